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
 * cluster {@code default} (creating it) over HTTP to its own server, and keeps its ARN across a restart.
 */
class LocalAgentIT {

    @Test
    void theServersOwnAgentJoinsTheDefaultCluster() throws Exception {
        String arn;
        java.nio.file.Path dataDir;
        try (TestServer server = TestServer.start(true, Duration.ofSeconds(60)); EcsClient ecs = server.ecs()) {
            dataDir = server.dataDir();
            Agent agent = server.server().localAgent().orElseThrow();
            arn = agent.awaitRegistered(Duration.ofSeconds(30));
            assertThat(arn).contains(":container-instance/default/");
            assertThat(ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns()).containsExactly(arn);
            ContainerInstance ci = ecs.describeContainerInstances(r -> r.containerInstances(arn)).containerInstances().getFirst();
            assertThat(ci.agentConnected()).isTrue();
            assertThat(ci.registeredResources().getFirst().integerValue())
                    .isEqualTo(1024 * Runtime.getRuntime().availableProcessors());
            assertThat(ci.versionInfo().dockerVersion()).isNotBlank();
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.state() == Agent.State.CONNECTED);
        }
        assertThat(dataDir.resolve("agent/instance.json")).exists();
    }
}
