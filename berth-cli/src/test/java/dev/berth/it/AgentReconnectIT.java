package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * An agent outlives its server: while the server is down the agent backs off and retries; when a
 * server comes back on the same port and store, the agent resumes polling with the same identity
 * and the instance is connected again, with the same ARN.
 */
class AgentReconnectIT {

    static ServerConfig config(Path dir, int port) {
        return new ServerConfig(
                "127.0.0.1", port, dir, null, false, "000000000000", "us-east-1", null, null, Duration.ofSeconds(3));
    }

    @Test
    void theAgentReconnectsAfterAServerRestart() throws Exception {
        Path dir = Files.createTempDirectory("berth-it");
        BerthServer first = BerthServer.start(config(dir, 0));
        int port = first.port();
        AgentConfig agentConfig = new AgentConfig(
                first.endpoint(),
                "default",
                TestAddresses.AGENT_RECONNECT.ip(0),
                TestAgents.newDataDir(),
                null,
                first.joinTokenFile(),
                null,
                null,
                256,
                null,
                null,
                null,
                Map.of(),
                false,
                Duration.ofSeconds(1));
        try (Agent agent = Agent.start(agentConfig, () -> TestAgents.HOST)) {
            String arn = agent.awaitRegistered(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.state() == Agent.State.CONNECTED);
            first.close();
            await().atMost(Duration.ofSeconds(15)).until(() -> agent.state() == Agent.State.DISCONNECTED);

            try (BerthServer second = BerthServer.start(config(dir, port));
                    EcsClient ecs = EcsClient.builder()
                            .endpointOverride(second.endpoint())
                            .region(Region.US_EAST_1)
                            .credentialsProvider(StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(second.accessKeyId(), second.secretAccessKey())))
                            .httpClient(UrlConnectionHttpClient.create())
                            .build()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.state() == Agent.State.CONNECTED);
                assertThat(agent.containerInstanceArn()).contains(arn);
                var ci = ecs.describeContainerInstances(r -> r.containerInstances(arn))
                        .containerInstances()
                        .getFirst();
                assertThat(ci.agentConnected()).isTrue();
                assertThat(ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns())
                        .containsExactly(arn);
            }
        }
    }
}
