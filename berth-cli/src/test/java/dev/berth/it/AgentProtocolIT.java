package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;

/**
 * The agent protocol on the wire, spoken by hand: join-token and instance-secret authentication,
 * the long-poll's version index and wake-up, idempotent state-change reports, join-token rotation.
 */
class AgentProtocolIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static RawClient raw;
    static EcsClient ecs;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        ecs = server.ecs();
    }

    @AfterAll
    static void stop() {
        ecs.close();
        server.close();
    }

    static String joinToken() throws Exception {
        return Files.readString(server.server().joinTokenFile()).strip();
    }

    static RawClient.Response call(String method, String path, String bearer, String body) {
        Map<String, String> headers = bearer == null
                ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Authorization", "Bearer " + bearer);
        return raw.unsigned(method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    static String registration(String ip) {
        return """
                {"cluster":"default","hostIp":"%s","cpu":1024,"memory":2048,"ports":["22"],
                 "attributes":{"ecs.instance-type":"t3.nano","rack":"r1"},
                 "versionInfo":{"agentVersion":"test","agentHash":"abc","dockerVersion":"unknown"}}""".formatted(ip);
    }

    static JsonNode register(String ip) throws Exception {
        RawClient.Response r = call("POST", "/_berth/agent/v1/register", joinToken(), registration(ip));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String instancePath(JsonNode reg) {
        return "/_berth/agent/v1/clusters/" + reg.get("cluster").asText() + "/instances/"
                + reg.get("instanceId").asText();
    }

    static void assertError(RawClient.Response r, int status, String type) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("__type").asText()).isEqualTo(type);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void joinTokenFileIsPrivate() throws Exception {
        assertThat(Files.getPosixFilePermissions(server.server().joinTokenFile()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(joinToken()).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void badCredentialsAreRefusedWithJsonErrors() throws Exception {
        assertError(
                call("POST", "/_berth/agent/v1/register", null, registration(TestAddresses.AGENT_PROTOCOL.ip(0))),
                401,
                "MissingAuthenticationTokenException");
        assertError(
                call(
                        "POST",
                        "/_berth/agent/v1/register",
                        "not-the-token",
                        registration(TestAddresses.AGENT_PROTOCOL.ip(0))),
                403,
                "AccessDeniedException");
        assertError(
                call("POST", "/_berth/agent/v1/register", joinToken(), "{\"hostIp\":\"nope\",\"cpu\":1,\"memory\":1}"),
                400,
                "InvalidParameterException");
        assertError(
                call("POST", "/_berth/agent/v1/register", joinToken(), "{not json"), 400, "InvalidParameterException");
        JsonNode reg = register(TestAddresses.AGENT_PROTOCOL.ip(0));
        assertError(
                call("GET", instancePath(reg) + "/desired?wait=0", "wrong-secret", null), 403, "AccessDeniedException");
        assertError(
                call("GET", instancePath(reg) + "/desired?wait=0", joinToken(), null), 403, "AccessDeniedException");
        assertError(
                call("GET", "/_berth/agent/v1/clusters/default/instances/0123/desired", "x", null),
                403,
                "AccessDeniedException");
        assertError(
                call(
                        "GET",
                        instancePath(reg) + "/desired?wait=61",
                        reg.get("secret").asText(),
                        null),
                400,
                "InvalidParameterException");
        assertError(call("GET", "/_berth/agent/v1/nothing", "x", null), 404, "NotFoundException");
    }

    @Test
    void longPollReturnsOnChangeOrAfterTheWait() throws Exception {
        JsonNode reg = register(TestAddresses.AGENT_PROTOCOL.ip(1));
        String secret = reg.get("secret").asText();
        JsonNode first = JSON.readTree(call("GET", instancePath(reg) + "/desired?since=0&wait=20", secret, null)
                .body());
        long v = first.get("version").asLong();
        assertThat(v).isPositive();
        assertThat(first.get("tasks").isArray()).isTrue();
        assertThat(first.get("status").asText()).isEqualTo("ACTIVE");

        long t0 = System.nanoTime();
        RawClient.Response timedOut = call("GET", instancePath(reg) + "/desired?since=" + v + "&wait=1", secret, null);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(JSON.readTree(timedOut.body()).get("version").asLong()).isEqualTo(v);

        CompletableFuture<RawClient.Response> waiting = CompletableFuture.supplyAsync(
                () -> call("GET", instancePath(reg) + "/desired?since=" + v + "&wait=30", secret, null));
        Thread.sleep(500);
        long t1 = System.nanoTime();
        ecs.updateContainerInstancesState(
                r -> r.containerInstances(reg.get("containerInstanceArn").asText())
                        .status(ContainerInstanceStatus.DRAINING));
        JsonNode woken = JSON.readTree(waiting.get().body());
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(5));
        assertThat(woken.get("version").asLong()).isGreaterThan(v);
        assertThat(woken.get("status").asText()).isEqualTo("DRAINING");

        CompletableFuture<RawClient.Response> waitingAgain = CompletableFuture.supplyAsync(() -> call(
                "GET",
                instancePath(reg) + "/desired?since=" + woken.get("version").asLong() + "&wait=30",
                secret,
                null));
        Thread.sleep(500);
        ecs.deregisterContainerInstance(
                r -> r.containerInstance(reg.get("containerInstanceArn").asText()));
        assertError(waitingAgain.get(), 410, "ContainerInstanceInactiveException");
        assertError(
                call("GET", instancePath(reg) + "/desired?wait=0", secret, null),
                410,
                "ContainerInstanceInactiveException");
        assertError(call("GET", instancePath(reg) + "/desired?wait=0", "wrong", null), 403, "AccessDeniedException");
    }

    @Test
    void stateChangeReportsAreIdempotent() throws Exception {
        JsonNode reg = register(TestAddresses.AGENT_PROTOCOL.ip(2));
        String secret = reg.get("secret").asText();
        String events = instancePath(reg) + "/events";
        String batch1 = """
                {"events":[{"seq":1,"type":"versionInfo","versionInfo":{"dockerVersion":"24.0.1"}},
                           {"seq":2,"type":"versionInfo","versionInfo":{"dockerVersion":"24.0.2"}}]}""";
        JsonNode r1 = JSON.readTree(call("POST", events, secret, batch1).body());
        assertThat(r1.get("highestSeq").asLong()).isEqualTo(2);
        assertThat(r1.get("accepted").toString()).isEqualTo("[1,2]");
        String batch2 = """
                {"events":[{"seq":2,"type":"versionInfo","versionInfo":{"dockerVersion":"99.0.0"}},
                           {"seq":3,"type":"versionInfo","versionInfo":{"agentVersion":"test-2"}}]}""";
        JsonNode r2 = JSON.readTree(call("POST", events, secret, batch2).body());
        assertThat(r2.get("duplicates").toString()).isEqualTo("[2]");
        assertThat(r2.get("accepted").toString()).isEqualTo("[3]");
        assertThat(r2.get("highestSeq").asLong()).isEqualTo(3);
        JsonNode r3 = JSON.readTree(call("POST", events, secret, batch2).body());
        assertThat(r3.get("duplicates").toString()).isEqualTo("[2,3]");

        var ci = ecs.describeContainerInstances(r ->
                        r.containerInstances(reg.get("containerInstanceArn").asText()))
                .containerInstances()
                .getFirst();
        assertThat(ci.versionInfo().dockerVersion()).isEqualTo("24.0.2");
        assertThat(ci.versionInfo().agentVersion()).isEqualTo("test-2");

        assertError(
                call("POST", events, secret, "{\"events\":[{\"seq\":5,\"type\":\"task\"}]}"),
                400,
                "InvalidParameterException");
        assertError(
                call(
                        "POST",
                        events,
                        secret,
                        "{\"events\":[{\"seq\":5,\"type\":\"versionInfo\"},{\"seq\":4,\"type\":\"versionInfo\"}]}"),
                400,
                "InvalidParameterException");
        assertError(call("POST", events, "wrong", batch1), 403, "AccessDeniedException");

        RawClient.Response again =
                call("PUT", instancePath(reg), secret, registration(TestAddresses.AGENT_PROTOCOL.ip(3)));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        JsonNode re = JSON.readTree(again.body());
        assertThat(re.get("containerInstanceArn").asText())
                .isEqualTo(reg.get("containerInstanceArn").asText());
        assertThat(re.get("highestSeq").asLong())
                .as("an agent resumes its sequence after a restart")
                .isEqualTo(3);
        assertThat(re.has("secret")).isFalse();
        ecs.deregisterContainerInstance(
                r -> r.containerInstance(reg.get("containerInstanceArn").asText()));
    }

    @Test
    void rootKeyRotatesTheJoinToken() throws Exception {
        String old = joinToken();
        SdkHttpFullRequest req = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(server.endpoint().resolve("/_berth/admin/v1/join-token/rotate"))
                .contentStreamProvider(ContentStreamProvider.fromByteArray(new byte[0]))
                .build();
        RawClient.Response r = raw.send(raw.sign(req, "berth", java.time.Clock.systemUTC()), new byte[0]);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String fresh = JSON.readTree(r.body()).get("joinToken").asText();
        assertThat(fresh).isNotEqualTo(old).isEqualTo(joinToken());
        assertError(
                call("POST", "/_berth/agent/v1/register", old, registration(TestAddresses.AGENT_PROTOCOL.ip(4))),
                403,
                "AccessDeniedException");
        JsonNode reg = register(TestAddresses.AGENT_PROTOCOL.ip(4));
        ecs.deregisterContainerInstance(
                rq -> rq.containerInstance(reg.get("containerInstanceArn").asText()));

        RawClient.Response unsigned = call("POST", "/_berth/admin/v1/join-token/rotate", null, null);
        assertThat(unsigned.status()).isIn(400, 401, 403);
        assertThat(joinToken()).isEqualTo(fresh);
        RawClient.Response wrongService = raw.send(raw.sign(req, "ecs", java.time.Clock.systemUTC()), new byte[0]);
        assertThat(wrongService.status()).isIn(400, 401, 403);
    }
}
