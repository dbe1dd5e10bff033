package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.engine.ImagePullBehavior;
import dev.berth.cli.agent.Agent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * An agent pulls a task's image from Berth's own registry with the pull-only password the server
 * hands it in every long-poll answer (principal {@code agent/<instance id>}), not with the root key:
 * the image is pushed with docker, its local tag removed, and a task with pull behaviour
 * {@code ALWAYS} must pull it through {@code /v2/} (ECR's lastRecordedPullTime shows the pull).
 */
class RegistryAgentPullIT {

    static DockerCluster docker;
    static TestServer server;
    static TestRegistry registry;
    static String instanceArn;
    static String image;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCluster.start("pull", List.of());
        server = docker.server;
        registry = new TestRegistry(server);
        registry.createRepo("it/agentpull", "MUTABLE");
        image = registry.host() + "/it/agentpull:1";
        assertThat(registry.login().code()).isZero();
        // An image Docker does not have otherwise (one layer more than busybox), so that removing it
        // locally makes the agent fetch its manifest and layer through /v2/.
        java.nio.file.Path ctx = java.nio.file.Files.createTempDirectory("berth-it-agentpull");
        java.nio.file.Files.writeString(
                ctx.resolve("Dockerfile"),
                "FROM " + TestImages.BUSYBOX + "\nRUN echo " + System.nanoTime() + " > /stamp\n");
        TestRegistry.Result build = registry.docker("build", "-q", "-t", image, ctx.toString());
        assertThat(build.code()).as(build.output()).isZero();
        TestRegistry.Result push = registry.docker("push", image);
        assertThat(push.code()).as(push.output()).isZero();
        assertThat(registry.docker("rmi", image).code()).isZero();
        Agent agent = docker.track(docker.agents.start(
                "pull",
                TestAddresses.REGISTRY_AGENT_PULL.ip(0),
                "t3.small",
                Map.of(),
                TestAgents.newDataDir(),
                ImagePullBehavior.ALWAYS,
                TestAgents.DOCKER_HOST));
        instanceArn = agent.containerInstanceArn().orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            docker.close();
        } finally {
            registry.docker("rmi", "-f", image);
        }
    }

    @Test
    void theAgentPullsWithItsScopedRegistryPassword() {
        EcsClient ecs = server.ecs();
        ecs.registerTaskDefinition(r -> r.family("pulled")
                .containerDefinitions(c ->
                        c.name("job").image(image).memory(32).essential(true).command("sh", "-c", "exit 0")));
        String arn = ecs.runTask(r -> r.cluster("pull").taskDefinition("pulled"))
                .tasks()
                .getFirst()
                .taskArn();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> ecs.describeTasks(r -> r.cluster("pull").tasks(arn))
                        .tasks()
                        .getFirst()
                        .lastStatus()
                        .equals("STOPPED"));
        Task t = ecs.describeTasks(r -> r.cluster("pull").tasks(arn)).tasks().getFirst();
        assertThat(t.containers().getFirst().reason()).as("no pull error").isNull();
        assertThat(t.containers().getFirst().exitCode()).isZero();
        String pulledAt = server.server()
                .images()
                .store()
                .read(tx -> tx.scan("ecr-image", "it/agentpull@", null, 10))
                .entries()
                .getFirst()
                .json();
        assertThat(pulledAt).contains("\"lastPulledAt\"");
    }
}
