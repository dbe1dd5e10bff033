package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.cli.agent.Agent;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Tasks end to end on real Docker: a real server, a real {@code berth agent} (in-process, its own
 * loopback host IP) with the task engine, the AWS SDK and the AWS CLI as clients. Images are built
 * locally ({@link TestImages}); the agent uses PREFER_CACHED so nothing is pulled.
 */
class TaskDockerIT {

    static final String CLUSTER = "docker";
    static final String HOST_IP = TestAddresses.TASK_DOCKER.ip(0);
    static DockerCluster docker;
    static TestServer server;
    static TestAgents agents;
    static EcsClient ecs;
    static String instanceArn;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCluster.start(CLUSTER, List.of(HOST_IP));
        String image = docker.image;
        server = docker.server;
        ecs = docker.ecs;
        agents = docker.agents;
        instanceArn = docker.instanceArn(0);
        ecs.registerTaskDefinition(r -> r.family("httpd").containerDefinitions(c -> c.name("web")
                .image(image)
                .memory(64)
                .essential(true)
                .stopTimeout(2)
                .environment(
                        KeyValuePair.builder().name("GREETING").value("hello").build())
                .command("sh", "-c", "echo $GREETING > /tmp/index.html; exec httpd -f -p 80 -h /tmp")
                .portMappings(p -> p.containerPort(80))));
        ecs.registerTaskDefinition(r -> r.family("exits")
                .containerDefinitions(c ->
                        c.name("job").image(image).memory(32).essential(true).command("sh", "-c", "exit 1")));
    }

    @AfterAll
    static void stop() throws Exception {
        docker.close();
    }

    static String get(String url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    @Test
    void runTaskServesHttpOnDynamicPortsAndStopTaskStopsIt() throws Exception {
        RunTaskResponse run = ecs.runTask(r -> r.cluster(CLUSTER)
                .taskDefinition("httpd")
                .count(2)
                .overrides(o -> o.containerOverrides(c -> c.name("web")
                        .environment(KeyValuePair.builder()
                                .name("GREETING")
                                .value("overridden")
                                .build()))));
        assertThat(run.failures()).isEmpty();
        List<String> arns = run.tasks().stream().map(Task::taskArn).toList();
        for (String arn : arns) {
            Task t = docker.awaitStatus(arn, "RUNNING");
            NetworkBinding b = t.containers().getFirst().networkBindings().getFirst();
            assertThat(b.bindIP()).isEqualTo(HOST_IP);
            assertThat(b.containerPort()).isEqualTo(80);
            assertThat(b.hostPort()).isPositive();
            assertThat(get("http://" + HOST_IP + ":" + b.hostPort() + "/index.html")
                            .strip())
                    .isEqualTo("overridden");
            assertThat(t.containers().getFirst().runtimeId()).isNotBlank();
            assertThat(t.containers().getFirst().imageDigest()).startsWith("sha256:");
            assertThat(t.startedAt()).isNotNull();
            assertThat(t.createdAt()).isBefore(t.startedAt());
            assertThat(t.availabilityZone()).isEqualTo("us-east-1a");
            assertThat(t.attributes()).anySatisfy(a -> assertThat(a.name()).isEqualTo("ecs.cpu-architecture"));
        }
        ContainerInstance ci = ecs.describeContainerInstances(
                        r -> r.cluster(CLUSTER).containerInstances(instanceArn))
                .containerInstances()
                .getFirst();
        assertThat(ci.runningTasksCount()).isEqualTo(2);
        assertThat(ecs.describeClusters(r -> r.clusters(CLUSTER))
                        .clusters()
                        .getFirst()
                        .runningTasksCount())
                .isEqualTo(2);

        for (String arn : arns) {
            ecs.stopTask(r -> r.cluster(CLUSTER).task(arn).reason("done here"));
        }
        for (String arn : arns) {
            Task stopped = docker.awaitStatus(arn, "STOPPED");
            assertThat(stopped.stopCode().toString()).isEqualTo("UserInitiated");
            assertThat(stopped.stoppedReason()).isEqualTo("done here");
            assertThat(stopped.containers().getFirst().exitCode()).isNotNull();
            assertThat(stopped.stoppedAt()).isNotNull();
            assertThat(stopped.executionStoppedAt()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(instanceArn))
                                        .containerInstances()
                                        .getFirst()
                                        .runningTasksCount()
                                == 0);
    }

    @Test
    void anEssentialContainerThatExitsStopsTheTaskWithItsExitCode() {
        RunTaskResponse run = ecs.runTask(r -> r.cluster(CLUSTER)
                .taskDefinition("exits")
                .overrides(o -> o.containerOverrides(c -> c.name("job")
                        .command("sh", "-c", "exit $CODE")
                        .environment(
                                KeyValuePair.builder().name("CODE").value("7").build()))));
        Task stopped = docker.awaitStatus(run.tasks().getFirst().taskArn(), "STOPPED");
        assertThat(stopped.stopCode().toString()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopped.containers().getFirst().exitCode()).isEqualTo(7);
        assertThat(stopped.stoppedReason()).contains("Essential container");
    }

    @Test
    void anImageThatCannotBePulledFailsTheTaskToStart() {
        ecs.registerTaskDefinition(r -> r.family("unpullable")
                .containerDefinitions(c ->
                        c.name("app").image("127.0.0.1:1/berth-it/missing:1").memory(16)));
        String arn = ecs.runTask(r -> r.cluster(CLUSTER).taskDefinition("unpullable"))
                .tasks()
                .getFirst()
                .taskArn();
        Task stopped = docker.awaitStatus(arn, "STOPPED");
        assertThat(stopped.stopCode().toString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.containers().getFirst().reason()).startsWith("CannotPullContainerError");
        assertThat(stopped.containers().getFirst().exitCode()).isNull();
    }

    @Test
    void aRestartedAgentAdoptsItsRunningTasksAndStillStopsThem() throws Exception {
        ecs.createCluster(r -> r.clusterName("restart"));
        java.nio.file.Path dir = TestAgents.newDataDir();
        Agent first = agents.startDocker("restart", TestAddresses.TASK_DOCKER.ip(1), dir);
        String instance = first.containerInstanceArn().orElseThrow();
        try {
            String arn = ecs.runTask(r -> r.cluster("restart").taskDefinition("httpd"))
                    .tasks()
                    .getFirst()
                    .taskArn();
            Task running = docker.awaitStatus(arn, "RUNNING");
            int port =
                    running.containers().getFirst().networkBindings().getFirst().hostPort();
            first.close();
            assertThat(get("http://" + TestAddresses.TASK_DOCKER.ip(1) + ":" + port + "/index.html")
                            .strip())
                    .isEqualTo("hello");

            Agent second = agents.startDocker("restart", TestAddresses.TASK_DOCKER.ip(1), dir);
            assertThat(second.containerInstanceArn()).contains(instance);
            ecs.stopTask(r -> r.cluster("restart").task(arn));
            Task stopped = docker.awaitStatus(arn, "STOPPED");
            assertThat(stopped.stopCode().toString()).isEqualTo("UserInitiated");
            assertThat(stopped.containers().getFirst().runtimeId())
                    .isEqualTo(running.containers().getFirst().runtimeId());
        } finally {
            TestImages.removeContainersOf(instance.substring(instance.lastIndexOf('/') + 1));
        }
    }

    @Test
    void theAwsCliRunsAndDescribesTasks() throws Exception {
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        assertThat(new File(aws).canExecute()).as("the AWS CLI at %s", aws).isTrue();
        String arn = cli(
                        aws,
                        "ecs",
                        "run-task",
                        "--cluster",
                        CLUSTER,
                        "--task-definition",
                        "httpd",
                        "--started-by",
                        "cli",
                        "--query",
                        "tasks[0].taskArn",
                        "--output",
                        "text")
                .strip();
        assertThat(arn).startsWith("arn:aws:ecs:us-east-1:000000000000:task/" + CLUSTER + "/");
        docker.awaitStatus(arn, "RUNNING");
        assertThat(cli(
                                aws,
                                "ecs",
                                "list-tasks",
                                "--cluster",
                                CLUSTER,
                                "--started-by",
                                "cli",
                                "--query",
                                "taskArns[0]",
                                "--output",
                                "text")
                        .strip())
                .isEqualTo(arn);
        String port = cli(
                        aws,
                        "ecs",
                        "describe-tasks",
                        "--cluster",
                        CLUSTER,
                        "--tasks",
                        arn,
                        "--query",
                        "tasks[0].containers[0].networkBindings[0].hostPort",
                        "--output",
                        "text")
                .strip();
        assertThat(get("http://" + HOST_IP + ":" + port + "/index.html").strip())
                .isEqualTo("hello");
        cli(aws, "ecs", "stop-task", "--cluster", CLUSTER, "--task", arn);
        docker.awaitStatus(arn, "STOPPED");
        assertThat(cli(
                                aws,
                                "ecs",
                                "describe-tasks",
                                "--cluster",
                                CLUSTER,
                                "--tasks",
                                arn,
                                "--query",
                                "tasks[0].[lastStatus,stopCode]",
                                "--output",
                                "text")
                        .strip())
                .isEqualTo("STOPPED\tUserInitiated");
    }

    static String cli(String aws, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(
                List.of(aws, "--endpoint-url", server.endpoint().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment()
                .put(
                        "AWS_SHARED_CREDENTIALS_FILE",
                        server.dataDir().resolve("credentials").toString());
        pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        pb.environment().remove("AWS_SECRET_ACCESS_KEY");
        pb.environment().remove("AWS_PROFILE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
