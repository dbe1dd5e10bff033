package dev.berth.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an agent registers: resources, built-in attributes, capabilities, custom attributes. */
class AgentTest {

    static AgentConfig config(Integer cpu, Integer memory, Map<String, String> attrs) {
        return new AgentConfig(
                URI.create("http://127.0.0.1:1"),
                "prod",
                "127.0.0.11",
                Path.of("/tmp/x"),
                "t",
                null,
                cpu,
                memory,
                256,
                "us-east-1c",
                "t3.small",
                null,
                attrs,
                false,
                null);
    }

    @Test
    void registersHostResourcesAndBuiltInAttributes() {
        JsonNode b = Agent.unstarted(config(null, null, Map.of()), new HostFacts(4, 8192, "arm64", "unknown", null))
                .registrationBody();
        assertThat(b.get("cluster").asText()).isEqualTo("prod");
        assertThat(b.get("hostIp").asText()).isEqualTo("127.0.0.11");
        assertThat(b.get("cpu").asInt()).isEqualTo(4096);
        assertThat(b.get("memory").asInt()).isEqualTo(8192 - 256);
        assertThat(b.get("ports").toString()).isEqualTo("[\"22\",\"2375\",\"2376\",\"51678\",\"51679\"]");
        JsonNode a = b.get("attributes");
        assertThat(a.get("ecs.os-type").asText()).isEqualTo("linux");
        assertThat(a.get("ecs.cpu-architecture").asText()).isEqualTo("arm64");
        assertThat(a.get("ecs.instance-type").asText()).isEqualTo("t3.small");
        assertThat(a.get("ecs.availability-zone").asText()).isEqualTo("us-east-1c");
        assertThat(a.get("ecs.ami-id").asText()).isEqualTo("ami-berth");
        assertThat(a.properties().stream().map(Map.Entry::getKey)).noneMatch(n -> n.contains("capability"));
        assertThat(b.get("versionInfo").get("dockerVersion").asText()).isEqualTo("unknown");
    }

    @Test
    void overridesAndCustomAttributes() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("stack", "blue");
        attrs.put("gpu", null);
        JsonNode b = Agent.unstarted(config(512, 1000, attrs), new HostFacts(4, 8192, "x86_64", "24.0.7", "1.43"))
                .registrationBody();
        assertThat(b.get("cpu").asInt()).isEqualTo(512);
        assertThat(b.get("memory").asInt()).isEqualTo(1000);
        assertThat(b.get("attributes").get("stack").asText()).isEqualTo("blue");
        assertThat(b.get("attributes").get("gpu").isNull()).isTrue();
        assertThat(b.get("versionInfo").get("dockerVersion").asText()).isEqualTo("24.0.7");
    }

    @Test
    void advertisesTheDockerApiVersionsTheEngineSpeaks() {
        Agent agent = Agent.unstarted(config(null, null, Map.of()), new HostFacts(1, 1024, "x86_64", "24.0.7", "1.43"));
        assertThat(agent.capabilities())
                .hasSize(43 - 17 + 1 + Agent.ENGINE_CAPABILITIES.size())
                .startsWith("com.amazonaws.ecs.capability.docker-remote-api.1.17")
                .contains("com.amazonaws.ecs.capability.docker-remote-api.1.43")
                .doesNotContain("com.amazonaws.ecs.capability.docker-remote-api.1.44")
                .endsWith(
                        "ecs.capability.container-health-check",
                        "ecs.capability.container-ordering",
                        "com.amazonaws.ecs.capability.logging-driver.awslogs",
                        "ecs.capability.execution-role-awslogs",
                        "ecs.capability.secrets.ssm.environment-variables",
                        "ecs.capability.secrets.asm.environment-variables",
                        "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager",
                        "ecs.capability.env-files.s3");
        Agent newer = Agent.unstarted(config(null, null, Map.of()), new HostFacts(1, 1024, "x86_64", "28.0", "1.48"));
        assertThat(newer.capabilities())
                .contains("com.amazonaws.ecs.capability.docker-remote-api.1.44")
                .doesNotContain("com.amazonaws.ecs.capability.docker-remote-api.1.45");
    }
}
