package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * What an agent receives for a task with secrets, seen on the wire by an agent played by hand:
 * the resolved values ({@code secretEnvironment}) and the registry login ({@code repositoryCredentials})
 * while the task has not started, only the bare spec once the agent reports it RUNNING, and never
 * the values in the task document that DescribeTasks renders.
 */
class TaskSecretsProtocolIT extends WithServer {

    @Test
    void theStartingTasksAgentGetsValuesAndLoginAndNothingElseDoes() throws Exception {
        String value = "proto-secret-" + System.nanoTime();
        String password = "proto-login-" + System.nanoTime();
        String loginArn;
        try (SsmClient ssm = server.ssm();
                SecretsManagerClient sm = server.secretsManager()) {
            ssm.putParameter(r -> r.name("/proto/value").value(value).type(ParameterType.SECURE_STRING));
            loginArn = sm.createSecret(r -> r.name("proto/login")
                            .secretString("{\"username\":\"robot\",\"password\":\"" + password + "\"}"))
                    .arn();
        }
        EcsClient ecs = server.ecs();
        ecs.createCluster(r -> r.clusterName("proto-secrets"));
        HandAgent agent = new HandAgent(server);
        String body = """
                {"cluster":"proto-secrets","hostIp":"%s","cpu":1024,"memory":2048,"ports":["22"],
                 "attributes":{"ecs.capability.secrets.ssm.environment-variables":null,
                   "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager":null},
                 "versionInfo":{"agentVersion":"test","agentHash":"abc","dockerVersion":"unknown"}}""".formatted(TestAddresses.TASK_SECRETS_PROTOCOL.ip(0));
        var r = agent.call(
                "POST",
                "/_berth/agent/v1/register",
                Files.readString(server.server().joinTokenFile()).strip(),
                body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode reg = HandAgent.JSON.readTree(r.body());
        ecs.registerTaskDefinition(t -> t.family("proto-secrets").containerDefinitions(c -> c.name("app")
                .image("registry.example/private:1")
                .memory(64)
                .secrets(
                        Secret.builder().name("VALUE").valueFrom("/proto/value").build())
                .repositoryCredentials(rc -> rc.credentialsParameter(loginArn))));
        var run = ecs.runTask(t -> t.cluster("proto-secrets").taskDefinition("proto-secrets"));
        assertThat(run.failures()).isEmpty();
        String taskArn = run.tasks().getFirst().taskArn();

        JsonNode container = agent.desired(reg)
                .path("tasks")
                .get(0)
                .path("spec")
                .path("containers")
                .get(0);
        assertThat(container.path("secretEnvironment").path("VALUE").asText()).isEqualTo(value);
        assertThat(container.path("repositoryCredentials").path("username").asText())
                .isEqualTo("robot");
        assertThat(container.path("repositoryCredentials").path("password").asText())
                .isEqualTo(password);
        assertThat(container.has("secrets")).isFalse();

        RawClient raw = agent.raw();
        String described = raw.json(
                        "ecs",
                        "AmazonEC2ContainerServiceV20141113.DescribeTasks",
                        ("{\"cluster\":\"proto-secrets\",\"tasks\":[\"" + taskArn + "\"]}").getBytes())
                .body();
        assertThat(described).contains(taskArn);
        assertThat(described.contains(value) || described.contains(password))
                .as("DescribeTasks shows a secret")
                .isFalse();

        agent.report(reg, taskArn, "RUNNING", "app", null, 0);
        JsonNode later = agent.desired(reg)
                .path("tasks")
                .get(0)
                .path("spec")
                .path("containers")
                .get(0);
        assertThat(later.has("secretEnvironment")).isFalse();
        assertThat(later.has("repositoryCredentials")).isFalse();
        assertThat(later.has("secrets")).isFalse();
    }
}
