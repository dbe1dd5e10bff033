package dev.berth.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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

    /** A request the fake server received. */
    record Call(String method, String path, String authorization, JsonNode body) {}

    @Test
    void capabilitiesFollowTheEngineThroughReRegistration() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<Call> calls = new ArrayList<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fake.createContext("/_berth/agent/v1/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            synchronized (calls) {
                calls.add(new Call(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        mapper.readTree(in)));
            }
            byte[] out = ("{\"containerInstanceArn\":\"arn:aws:ecs:us-east-1:000000000000:container-instance/prod/"
                            + "0123456789abcdef0123456789abcdef\",\"cluster\":\"prod\","
                            + "\"instanceId\":\"0123456789abcdef0123456789abcdef\",\"secret\":\"instance-secret\","
                            + "\"highestSeq\":0,\"pollWaitSeconds\":20}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        fake.start();
        try {
            AgentConfig config = new AgentConfig(
                    URI.create("http://127.0.0.1:" + fake.getAddress().getPort()),
                    "prod",
                    "127.0.0.11",
                    Files.createTempDirectory("berth-agent-test"),
                    "join",
                    null,
                    null,
                    null,
                    256,
                    null,
                    null,
                    null,
                    Map.of("stack", "blue"),
                    false,
                    Duration.ofSeconds(1));
            AtomicReference<HostFacts> facts = new AtomicReference<>(new HostFacts(2, 4096, "x86_64", "unknown", null));
            Agent agent = Agent.unstarted(config, facts::get);

            agent.register();
            assertThat(calls).singleElement().satisfies(c -> {
                assertThat(c.method()).isEqualTo("POST");
                assertThat(c.path()).isEqualTo("/_berth/agent/v1/register");
                assertThat(names(c.body())).noneMatch(n -> n.contains("capability"));
            });

            // the engine still does not answer: nothing to tell the server
            assertThat(agent.refreshRegistration()).isFalse();
            assertThat(calls).hasSize(1);

            // Docker Engine installed and started: the instance gets the capabilities, same identity
            facts.set(new HostFacts(2, 4096, "x86_64", "20.10.24", "1.41"));
            assertThat(agent.refreshRegistration()).isTrue();
            assertThat(calls).hasSize(2);
            Call put = calls.get(1);
            assertThat(put.method()).isEqualTo("PUT");
            assertThat(put.path())
                    .isEqualTo("/_berth/agent/v1/clusters/prod/instances/0123456789abcdef0123456789abcdef");
            assertThat(put.authorization()).isEqualTo("Bearer instance-secret");
            assertThat(names(put.body()))
                    .contains(
                            "com.amazonaws.ecs.capability.logging-driver.awslogs",
                            "com.amazonaws.ecs.capability.docker-remote-api.1.17",
                            "com.amazonaws.ecs.capability.docker-remote-api.1.41",
                            "ecs.capability.container-health-check",
                            "ecs.os-type",
                            "stack")
                    .doesNotContain("com.amazonaws.ecs.capability.docker-remote-api.1.42");
            assertThat(put.body()
                            .at("/attributes/com.amazonaws.ecs.capability.logging-driver.awslogs")
                            .isNull())
                    .isTrue();
            assertThat(put.body().at("/versionInfo/dockerVersion").asText()).isEqualTo("20.10.24");

            // nothing changed: no request
            assertThat(agent.refreshRegistration()).isFalse();
            assertThat(calls).hasSize(2);

            // the engine was upgraded: the newer API versions are advertised
            facts.set(new HostFacts(2, 4096, "x86_64", "24.0.7", "1.43"));
            assertThat(agent.refreshRegistration()).isTrue();
            assertThat(calls).hasSize(3);
            assertThat(names(calls.get(2).body())).contains("com.amazonaws.ecs.capability.docker-remote-api.1.43");
            assertThat(calls.get(2).body().at("/versionInfo/dockerVersion").asText())
                    .isEqualTo("24.0.7");
        } finally {
            fake.stop(0);
        }
    }

    static List<String> names(JsonNode registration) {
        List<String> out = new ArrayList<>();
        registration.get("attributes").fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void hostFactsAreReadAgainWhenTheEngineStartsAnsweringAndNowAndThen() {
        long later = 1_000_000_000L;
        assertThat(Agent.refreshDue(false, true, 0, later))
                .as("not while the engine does not answer")
                .isFalse();
        assertThat(Agent.refreshDue(true, true, 0, later))
                .as("at once when it starts answering")
                .isTrue();
        assertThat(Agent.refreshDue(true, false, later - 1, later)).isFalse();
        assertThat(Agent.refreshDue(true, false, later, later)).isTrue();
        assertThat(Agent.refreshDue(true, false, Long.MIN_VALUE + 5, Long.MAX_VALUE - 5))
                .as("nanoTime arithmetic survives the wrap-around")
                .isTrue();
        assertThat(Agent.refreshDue(true, false, Long.MAX_VALUE - 10, Long.MIN_VALUE + 10))
                .isFalse();
    }
}
