package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.cli.agent.Agent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;

/**
 * {@code berth server} without {@code --no-agent}: the in-process agent registers this machine into
 * cluster {@code default} (creating it) over HTTP to its own server, keeps its ARN across a restart,
 * and runs the tasks placed on it with the local Docker Engine.
 */
class LocalAgentIT {

    @Test
    void theServersOwnAgentJoinsTheDefaultCluster() throws Exception {
        String arn;
        java.nio.file.Path dataDir;
        try (TestServer server = TestServer.start(true, Duration.ofSeconds(60));
                EcsClient ecs = server.ecs()) {
            dataDir = server.dataDir();
            Agent agent = server.server().localAgent().orElseThrow();
            arn = agent.awaitRegistered(Duration.ofSeconds(30));
            assertThat(arn).contains(":container-instance/default/");
            assertThat(ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns())
                    .containsExactly(arn);
            ContainerInstance ci = ecs.describeContainerInstances(r -> r.containerInstances(arn))
                    .containerInstances()
                    .getFirst();
            assertThat(ci.agentConnected()).isTrue();
            assertThat(ci.registeredResources().getFirst().integerValue())
                    .isEqualTo(1024 * Runtime.getRuntime().availableProcessors());
            assertThat(ci.versionInfo().dockerVersion()).isNotBlank();
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.state() == Agent.State.CONNECTED);
        }
        assertThat(dataDir.resolve("agent/instance.json")).exists();
    }

    @Test
    void theServersOwnAgentRunsTasksOnThisMachine() throws Exception {
        String image = TestImages.busybox();
        String arn = null;
        try (TestServer server = TestServer.start(true, Duration.ofSeconds(60));
                EcsClient ecs = server.ecs()) {
            arn = server.server().localAgent().orElseThrow().awaitRegistered(Duration.ofSeconds(30));
            ecs.registerTaskDefinition(r -> r.family("local").containerDefinitions(c -> c.name("web")
                    .image(image)
                    .memory(32)
                    .stopTimeout(1)
                    .command("sh", "-c", "echo local > /tmp/index.html; exec httpd -f -p 80 -h /tmp")
                    .portMappings(p -> p.containerPort(80))));
            String task = ecs.runTask(r -> r.taskDefinition("local"))
                    .tasks()
                    .getFirst()
                    .taskArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> ecs.describeTasks(r -> r.tasks(task))
                    .tasks()
                    .getFirst()
                    .lastStatus()
                    .equals("RUNNING"));
            var binding = ecs.describeTasks(r -> r.tasks(task))
                    .tasks()
                    .getFirst()
                    .containers()
                    .getFirst()
                    .networkBindings()
                    .getFirst();
            assertThat(binding.bindIP()).isEqualTo("127.0.0.1");
            try (var http = java.net.http.HttpClient.newHttpClient()) {
                String body = http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                "http://127.0.0.1:" + binding.hostPort() + "/index.html"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(body.strip()).isEqualTo("local");
            }
            ecs.stopTask(r -> r.task(task));
            await().atMost(Duration.ofSeconds(30)).until(() -> ecs.describeTasks(r -> r.tasks(task))
                    .tasks()
                    .getFirst()
                    .lastStatus()
                    .equals("STOPPED"));
        } finally {
            if (arn != null) {
                TestImages.removeContainersOf(arn.substring(arn.lastIndexOf('/') + 1));
            }
        }
    }
}
