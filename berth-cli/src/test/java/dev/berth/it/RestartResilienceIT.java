package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.engine.ImagePullBehavior;
import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Resilience on real Docker. (1) Killing the agent (closing it without deregistering) leaves its
 * containers running; a restarted agent with the same data directory re-adopts them without
 * starting duplicates, and reports the containers that exited while it was down with their exit
 * codes. (2) Restarting the server on the same port and data directory loses nothing: the agent
 * reconnects, running tasks keep their state and network bindings, and StopTask still works.
 */
class RestartResilienceIT {

    static final String TASK_ARN_LABEL = "com.amazonaws.ecs.task-arn";
    static String image;

    @BeforeAll
    static void images() throws Exception {
        image = TestImages.busybox();
    }

    static Task describe(EcsClient ecs, String cluster, String arn) {
        return ecs.describeTasks(r -> r.cluster(cluster).tasks(arn)).tasks().getFirst();
    }

    static Task awaitStatus(EcsClient ecs, String cluster, String arn, String status) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> describe(ecs, cluster, arn).lastStatus().equals(status));
        return describe(ecs, cluster, arn);
    }

    /** The ids of the Docker containers of a task ({@code all}: stopped ones too). */
    static List<String> containersOf(String taskArn, boolean all) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker", "ps", "-q", "--no-trunc"));
        if (all) {
            cmd.add("-a");
        }
        cmd.addAll(List.of("--filter", "label=" + TASK_ARN_LABEL + "=" + taskArn));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> ids = new String(p.getInputStream().readAllBytes())
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return ids;
    }

    static String dockerInspect(String id, String format) throws Exception {
        Process p = new ProcessBuilder("docker", "inspect", "-f", format, id)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static void registerFamilies(EcsClient ecs) {
        ecs.registerTaskDefinition(r -> r.family("long").containerDefinitions(c -> c.name("web")
                .image(image)
                .memory(32)
                .essential(true)
                .stopTimeout(2)
                .command("sh", "-c", "echo hi > /tmp/index.html; exec httpd -f -p 80 -h /tmp")
                .portMappings(p -> p.containerPort(80))));
        ecs.registerTaskDefinition(r -> r.family("short")
                .containerDefinitions(c ->
                        c.name("job").image(image).memory(32).essential(true).command("sh", "-c", "sleep 6; exit 5")));
    }

    static String instanceId(String instanceArn) {
        return instanceArn.substring(instanceArn.lastIndexOf('/') + 1);
    }

    @Test
    void aKilledAgentLeavesContainersRunningAndItsSuccessorAdoptsThemAndReportsExits() throws Exception {
        String cluster = "killed";
        try (TestServer server = TestServer.start();
                EcsClient ecs = server.ecs();
                TestAgents agents = new TestAgents(server)) {
            ecs.createCluster(r -> r.clusterName(cluster));
            registerFamilies(ecs);
            Path dir = TestAgents.newDataDir();
            Agent first = agents.startDocker(cluster, TestAddresses.RESTART_RESILIENCE.ip(0), dir);
            String instance = first.containerInstanceArn().orElseThrow();
            try {
                String longArn = ecs.runTask(r -> r.cluster(cluster).taskDefinition("long"))
                        .tasks()
                        .getFirst()
                        .taskArn();
                String shortArn = ecs.runTask(r -> r.cluster(cluster).taskDefinition("short"))
                        .tasks()
                        .getFirst()
                        .taskArn();
                Task longRunning = awaitStatus(ecs, cluster, longArn, "RUNNING");
                awaitStatus(ecs, cluster, shortArn, "RUNNING");
                String longId = longRunning.containers().getFirst().runtimeId();
                assertThat(longId).isNotBlank();

                first.close(); // no deregistration: as if the agent process were killed
                assertThat(containersOf(longArn, false)).containsExactly(longId);
                List<String> shortIds = containersOf(shortArn, true);
                assertThat(shortIds).hasSize(1);
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> dockerInspect(shortIds.getFirst(), "{{.State.Status}}")
                                .equals("exited"));
                assertThat(dockerInspect(shortIds.getFirst(), "{{.State.ExitCode}}"))
                        .isEqualTo("5");
                // the server has not heard of the exit: the agent was down
                assertThat(describe(ecs, cluster, shortArn).lastStatus()).isEqualTo("RUNNING");

                Agent second = agents.startDocker(cluster, TestAddresses.RESTART_RESILIENCE.ip(0), dir);
                assertThat(second.containerInstanceArn()).contains(instance);

                Task stopped = awaitStatus(ecs, cluster, shortArn, "STOPPED");
                assertThat(stopped.stopCode().toString()).isEqualTo("EssentialContainerExited");
                assertThat(stopped.containers().getFirst().exitCode()).isEqualTo(5);
                assertThat(stopped.containers().getFirst().runtimeId()).isEqualTo(shortIds.getFirst());

                Task adopted = describe(ecs, cluster, longArn);
                assertThat(adopted.lastStatus()).isEqualTo("RUNNING");
                assertThat(adopted.containers().getFirst().runtimeId()).isEqualTo(longId);
                // give the new agent a few reports' time to (wrongly) start anything again
                Thread.sleep(3000);
                assertThat(containersOf(longArn, true)).containsExactly(longId);
                assertThat(containersOf(shortArn, true)).containsExactly(shortIds.getFirst());
                assertThat(describe(ecs, cluster, longArn).lastStatus()).isEqualTo("RUNNING");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> ecs.describeContainerInstances(
                                                r -> r.cluster(cluster).containerInstances(instance))
                                        .containerInstances()
                                        .getFirst()
                                        .runningTasksCount()
                                == 1);

                ecs.stopTask(r -> r.cluster(cluster).task(longArn));
                Task longStopped = awaitStatus(ecs, cluster, longArn, "STOPPED");
                assertThat(longStopped.stopCode().toString()).isEqualTo("UserInitiated");
                assertThat(containersOf(longArn, false)).isEmpty();
            } finally {
                TestImages.removeContainersOf(instanceId(instance));
            }
        }
    }

    static ServerConfig serverConfig(Path dir, int port) {
        return new ServerConfig(
                "127.0.0.1",
                port,
                dir,
                null,
                false,
                "000000000000",
                "us-east-1",
                null,
                null,
                Duration.ofSeconds(3),
                ImagePullBehavior.PREFER_CACHED,
                null);
    }

    static EcsClient ecs(BerthServer server) {
        return EcsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Test
    void aServerRestartLosesNothingAndTheAgentReconnects() throws Exception {
        String cluster = "restarted";
        String hostIp = TestAddresses.RESTART_RESILIENCE.ip(1);
        Path dir = Files.createTempDirectory("berth-it");
        BerthServer first = BerthServer.start(serverConfig(dir, 0));
        int port = first.port();
        try (EcsClient ecs = ecs(first)) {
            ecs.createCluster(r -> r.clusterName(cluster));
        }
        AgentConfig agentConfig = new AgentConfig(
                first.endpoint(),
                cluster,
                hostIp,
                TestAgents.newDataDir(),
                null,
                first.joinTokenFile(),
                null,
                null,
                256,
                null,
                "t3.small",
                null,
                Map.of(),
                false,
                Duration.ofSeconds(1),
                ImagePullBehavior.PREFER_CACHED,
                null);
        String instance = null;
        BerthServer second = null;
        boolean firstClosed = false;
        try (Agent agent = Agent.start(agentConfig, () -> TestAgents.DOCKER_HOST)) {
            String taskArn;
            Task running;
            try (EcsClient ecs = ecs(first)) {
                instance = agent.awaitRegistered(Duration.ofSeconds(20));
                registerFamilies(ecs);
                taskArn = ecs.runTask(r -> r.cluster(cluster).taskDefinition("long"))
                        .tasks()
                        .getFirst()
                        .taskArn();
                running = awaitStatus(ecs, cluster, taskArn, "RUNNING");
            }
            NetworkBinding binding =
                    running.containers().getFirst().networkBindings().getFirst();
            String runtimeId = running.containers().getFirst().runtimeId();
            assertThat(binding.hostPort()).isPositive();

            first.close();
            firstClosed = true;
            await().atMost(Duration.ofSeconds(15)).until(() -> agent.state() == Agent.State.DISCONNECTED);
            assertThat(containersOf(taskArn, false)).containsExactly(runtimeId);

            second = BerthServer.start(serverConfig(dir, port));
            try (EcsClient ecs = ecs(second)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.state() == Agent.State.CONNECTED);
                assertThat(agent.containerInstanceArn()).contains(instance);

                Task after = describe(ecs, cluster, taskArn);
                assertThat(after.lastStatus()).isEqualTo("RUNNING");
                assertThat(after.desiredStatus()).isEqualTo("RUNNING");
                assertThat(after.containers().getFirst().runtimeId()).isEqualTo(runtimeId);
                assertThat(after.containers().getFirst().networkBindings()).containsExactly(binding);
                String arn = instance;
                var ci = ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arn))
                        .containerInstances()
                        .getFirst();
                assertThat(ci.agentConnected()).isTrue();
                assertThat(ci.runningTasksCount()).isEqualTo(1);
                assertThat(ci.pendingTasksCount()).isZero();
                assertThat(ecs.describeClusters(r -> r.clusters(cluster))
                                .clusters()
                                .getFirst()
                                .runningTasksCount())
                        .isEqualTo(1);

                ecs.stopTask(r -> r.cluster(cluster).task(taskArn).reason("after restart"));
                Task stopped = awaitStatus(ecs, cluster, taskArn, "STOPPED");
                assertThat(stopped.stopCode().toString()).isEqualTo("UserInitiated");
                assertThat(stopped.stoppedReason()).isEqualTo("after restart");
                assertThat(stopped.containers().getFirst().exitCode()).isNotNull();
                assertThat(containersOf(taskArn, false)).isEmpty();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> ecs.describeContainerInstances(
                                                r -> r.cluster(cluster).containerInstances(arn))
                                        .containerInstances()
                                        .getFirst()
                                        .runningTasksCount()
                                == 0);
            }
        } finally {
            if (!firstClosed) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
            if (instance != null) {
                TestImages.removeContainersOf(instanceId(instance));
            }
        }
    }
}
