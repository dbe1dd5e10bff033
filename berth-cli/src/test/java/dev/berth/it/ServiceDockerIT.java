package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.cli.agent.Agent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * ECS services end to end on real Docker: a real server, two real agents (in-process, each its own
 * loopback host IP of {@link TestAddresses#SERVICE_DOCKER}) running busybox httpd containers, the AWS SDK and the AWS CLI as
 * clients. Self-healing after {@code docker kill}, a rolling update sampled for the healthy floor,
 * the circuit breaker with rollback, a DAEMON service following agents, and the CLI's waiter.
 */
class ServiceDockerIT {

    static final String CLUSTER = "svc";
    static DockerCluster docker;
    static TestServer server;
    static EcsClient ecs;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCluster.start(CLUSTER, TestAddresses.SERVICE_DOCKER.ips(2));
        String image = docker.image;
        server = docker.server;
        ecs = docker.ecs;
        for (String greeting : List.of("one", "two")) {
            ecs.registerTaskDefinition(r -> r.family("web").containerDefinitions(c -> c.name("web")
                    .image(image)
                    .memory(32)
                    .essential(true)
                    .stopTimeout(1)
                    .command("sh", "-c", "echo " + greeting + " > /tmp/index.html; exec httpd -f -p 80 -h /tmp")
                    .portMappings(p -> p.containerPort(80))));
        }
        ecs.registerTaskDefinition(r -> r.family("broken").containerDefinitions(c -> c.name("web")
                .image("berth-it/does-not-exist:1")
                .memory(32)
                .essential(true)));
    }

    @AfterAll
    static void stop() throws Exception {
        docker.close();
    }

    static String idOf(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    static Service describe(String name) {
        return ecs.describeServices(r -> r.cluster(CLUSTER).services(name))
                .services()
                .getFirst();
    }

    static boolean stable(Service s) {
        return s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount())
                && s.deployments().getFirst().rolloutStateAsString().equals("COMPLETED");
    }

    static Service awaitStable(String name) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> stable(describe(name)));
        return describe(name);
    }

    /** The service's tasks desired RUNNING, described. */
    static List<Task> tasks(String service) {
        List<String> arns = ecs.listTasks(
                        r -> r.cluster(CLUSTER).serviceName(service).desiredStatus(DesiredStatus.RUNNING))
                .taskArns();
        if (arns.isEmpty()) {
            return List.of();
        }
        return ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks();
    }

    static List<String> messages(Service s) {
        return s.events().stream().map(ServiceEvent::message).toList();
    }

    static void delete(String name) {
        ecs.deleteService(r -> r.cluster(CLUSTER).service(name).force(true));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> describe(name).status().equals("INACTIVE"));
    }

    @Test
    void replicaServiceReplacesAKilledContainer() throws Exception {
        Service created = ecs.createService(r -> r.cluster(CLUSTER)
                        .serviceName("heal")
                        .taskDefinition("web:1")
                        .desiredCount(3))
                .service();
        assertThat(created.status()).isEqualTo("ACTIVE");
        assertThat(created.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);
        assertThat(created.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(created.deployments()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("PRIMARY");
            assertThat(d.rolloutStateAsString()).isEqualTo("IN_PROGRESS");
            assertThat(d.id()).matches("ecs-svc/\\d{19}");
            assertThat(d.rolloutStateReason()).isEqualTo("ECS deployment " + d.id() + " in progress.");
        });
        Service s = awaitStable("heal");
        assertThat(s.runningCount()).isEqualTo(3);
        assertThat(messages(s))
                .anySatisfy(
                        m -> assertThat(m)
                                .matches(
                                        "\\(service heal\\) has started 3 tasks: \\(task [0-9a-f]{32}\\) \\(task [0-9a-f]{32}\\) \\(task [0-9a-f]{32}\\)\\."));
        assertThat(messages(s).getFirst()).isEqualTo("(service heal) has reached a steady state.");
        List<Task> before = tasks("heal");
        assertThat(before).hasSize(3).allSatisfy(t -> {
            assertThat(t.group()).isEqualTo("service:heal");
            assertThat(t.startedBy()).isEqualTo(s.deployments().getFirst().id());
        });

        String victim = before.getFirst().taskArn();
        String container = before.getFirst().containers().getFirst().runtimeId();
        Process kill = new ProcessBuilder("docker", "kill", container).start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    List<Task> now = tasks("heal");
                    return now.size() == 3
                            && now.stream().allMatch(t -> t.lastStatus().equals("RUNNING"))
                            && now.stream().noneMatch(t -> t.taskArn().equals(victim));
                });
        Task stopped =
                ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(victim)).tasks().getFirst();
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(awaitStable("heal").runningCount()).isEqualTo(3);
        delete("heal");
    }

    @Test
    void rollingUpdateKeepsTheHealthyFloorAndCompletes() throws Exception {
        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName("roll")
                .taskDefinition("web:1")
                .desiredCount(4)
                .deploymentConfiguration(c -> c.minimumHealthyPercent(50).maximumPercent(200)));
        awaitStable("roll");
        AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger highest = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!done.get()) {
                List<Task> now = tasks("roll");
                int running = (int) now.stream()
                        .filter(t -> t.lastStatus().equals("RUNNING"))
                        .count();
                lowest.accumulateAndGet(running, Math::min);
                highest.accumulateAndGet(now.size(), Math::max);
                samples.incrementAndGet();
            }
        });
        Service updated = ecs.updateService(
                        r -> r.cluster(CLUSTER).service("roll").taskDefinition("web:2"))
                .service();
        assertThat(updated.deployments()).hasSize(2);
        assertThat(updated.deployments().getFirst().taskDefinition()).endsWith("task-definition/web:2");
        Service s = awaitStable("roll");
        done.set(true);
        sampler.join();
        assertThat(samples.get()).isGreaterThan(3);
        assertThat(lowest.get()).as("healthy RUNNING tasks during the rollout").isGreaterThanOrEqualTo(2);
        assertThat(highest.get()).as("tasks desired RUNNING during the rollout").isLessThanOrEqualTo(8);
        assertThat(s.taskDefinition()).endsWith("task-definition/web:2");
        assertThat(tasks("roll")).hasSize(4).allSatisfy(t -> assertThat(t.taskDefinitionArn())
                .endsWith("web:2"));
        Deployment d = s.deployments().getFirst();
        assertThat(messages(s)).contains("(service roll) (deployment " + d.id() + ") deployment completed.");
        assertThat(d.rolloutStateReason()).isEqualTo("ECS deployment " + d.id() + " completed.");
        delete("roll");
    }

    @Test
    void circuitBreakerFailsABrokenDeploymentAndRollsBack() {
        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName("cb")
                .taskDefinition("web:1")
                .desiredCount(3)
                .deploymentConfiguration(
                        c -> c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true))));
        String good = awaitStable("cb").deployments().getFirst().id();
        String bad = ecs.updateService(r -> r.cluster(CLUSTER).service("cb").taskDefinition("broken"))
                .service()
                .deployments()
                .getFirst()
                .id();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Service s = describe("cb");
                    return stable(s) && !s.deployments().getFirst().id().equals(bad);
                });
        Service s = describe("cb");
        assertThat(s.taskDefinition()).endsWith("task-definition/web:1");
        assertThat(messages(s))
                .contains(
                        "(service cb) (deployment " + bad + ") deployment failed: tasks failed to start.",
                        "(service cb) rolling back to deployment " + good + ".");
        assertThat(tasks("cb")).hasSize(3).allSatisfy(t -> assertThat(t.taskDefinitionArn())
                .endsWith("web:1"));
        delete("cb");
    }

    @Test
    void daemonFollowsAgentsThatJoinAndDrain() throws Exception {
        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName("daemon")
                .taskDefinition("web:1")
                .schedulingStrategy(SchedulingStrategy.DAEMON));
        Service s = awaitStable("daemon");
        assertThat(s.desiredCount()).isEqualTo(2);
        assertThat(s.deploymentConfiguration().minimumHealthyPercent()).isZero();
        assertThat(s.deploymentConfiguration().maximumPercent()).isEqualTo(100);
        Agent third = docker.addDockerAgent(TestAddresses.SERVICE_DOCKER.ip(2), TestAgents.newDataDir());
        String thirdArn = third.containerInstanceArn().orElseThrow();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Service now = describe("daemon");
                    return now.desiredCount() == 3
                            && stable(now)
                            && tasks("daemon").stream()
                                    .anyMatch(t -> t.containerInstanceArn().equals(thirdArn));
                });
        ecs.updateContainerInstancesState(
                r -> r.cluster(CLUSTER).containerInstances(thirdArn).status(ContainerInstanceStatus.DRAINING));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Service now = describe("daemon");
                    return now.desiredCount() == 2
                            && stable(now)
                            && tasks("daemon").stream()
                                    .noneMatch(t -> t.containerInstanceArn().equals(thirdArn));
                });
        assertThat(tasks("daemon")).hasSize(2);
        delete("daemon");
    }

    @Test
    void awsCliWaitsUntilTheServiceIsStable() throws Exception {
        ecs.createService(r ->
                r.cluster(CLUSTER).serviceName("cli").taskDefinition("web:2").desiredCount(2));
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        ProcessBuilder pb = new ProcessBuilder(
                        aws,
                        "--endpoint-url",
                        server.endpoint().toString(),
                        "--region",
                        "us-east-1",
                        "ecs",
                        "wait",
                        "services-stable",
                        "--cluster",
                        CLUSTER,
                        "--services",
                        "cli")
                .redirectErrorStream(true);
        pb.environment()
                .put(
                        "AWS_SHARED_CREDENTIALS_FILE",
                        server.dataDir().resolve("credentials").toString());
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        pb.environment().remove("AWS_SECRET_ACCESS_KEY");
        pb.environment().remove("AWS_PROFILE");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        Service s = describe("cli");
        assertThat(s.runningCount()).isEqualTo(2);
        assertThat(s.deployments()).hasSize(1);
        delete("cli");
        ProcessBuilder gone = new ProcessBuilder(
                        aws,
                        "--endpoint-url",
                        server.endpoint().toString(),
                        "--region",
                        "us-east-1",
                        "ecs",
                        "wait",
                        "services-stable",
                        "--cluster",
                        CLUSTER,
                        "--services",
                        "cli")
                .redirectErrorStream(true);
        gone.environment()
                .put(
                        "AWS_SHARED_CREDENTIALS_FILE",
                        server.dataDir().resolve("credentials").toString());
        Process g = gone.start();
        assertThat(g.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String gout = new String(g.getInputStream().readAllBytes());
        assertThat(g.exitValue()).as(gout).isNotZero();
        assertThat(gout).contains("INACTIVE");
    }
}
