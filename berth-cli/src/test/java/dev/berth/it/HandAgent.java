package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * An agent played by hand over the agent protocol (no Docker): registration, long-poll and task
 * reports as plain HTTP, so ITs can check exactly what the server does with each step. Keeps the
 * event sequence number across reports.
 */
final class HandAgent {

    static final ObjectMapper JSON = new ObjectMapper();
    private final TestServer server;
    private final RawClient raw;
    long seq;

    HandAgent(TestServer server) {
        this.server = server;
        this.raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
    }

    RawClient raw() {
        return raw;
    }

    RawClient.Response call(String method, String path, String bearer, String body) {
        return raw.unsigned(
                method,
                path,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + bearer),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Registers an instance with 1024 CPU units and {@code memory} MiB; its registration answer. */
    JsonNode register(String cluster, String ip, int memory) throws Exception {
        String body = """
                {"cluster":"%s","hostIp":"%s","cpu":1024,"memory":%d,"ports":["22"],
                 "versionInfo":{"agentVersion":"test","agentHash":"abc","dockerVersion":"unknown"}}""".formatted(cluster, ip, memory);
        RawClient.Response r = call(
                "POST",
                "/_berth/agent/v1/register",
                Files.readString(server.server().joinTokenFile()).strip(),
                body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String path(JsonNode reg) {
        return "/_berth/agent/v1/clusters/" + reg.get("cluster").asText() + "/instances/"
                + reg.get("instanceId").asText();
    }

    /** One poll that answers at once (and is a heartbeat). */
    JsonNode desired(JsonNode reg) throws Exception {
        RawClient.Response r =
                call("GET", path(reg) + "/desired?wait=0", reg.get("secret").asText(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** One poll that answers at once and reports the container runtime {@code OK} or {@code IMPAIRED}. */
    JsonNode poll(JsonNode reg, String runtime) throws Exception {
        RawClient.Response r = call(
                "GET",
                path(reg) + "/desired?wait=0&runtime=" + runtime,
                reg.get("secret").asText(),
                null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Posts one event of {@code type} with the next sequence number; {@code field} holds its payload. */
    JsonNode event(JsonNode reg, String type, String field, JsonNode payload) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("events").addObject().put("seq", ++seq).put("type", type).set(field, payload);
        RawClient.Response r =
                call("POST", path(reg) + "/events", reg.get("secret").asText(), body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Reports a task status as the agent would, with one container. */
    JsonNode report(JsonNode reg, String taskArn, String status, String container, Integer exitCode, int hostPort)
            throws Exception {
        ObjectNode task = JSON.createObjectNode().put("taskArn", taskArn).put("lastStatus", status);
        long now = System.currentTimeMillis();
        task.put("pullStartedAt", now).put("pullStoppedAt", now);
        if (!status.equals("PENDING")) {
            task.put("startedAt", now);
        }
        if (status.equals("STOPPED")) {
            task.put("stoppedAt", now).put("executionStoppedAt", now);
        }
        ObjectNode c = task.putArray("containers")
                .addObject()
                .put("name", container)
                .put("lastStatus", status.equals("STOPPED") ? "STOPPED" : "RUNNING")
                .put("runtimeId", "abc123")
                .put("imageDigest", "sha256:0123");
        if (exitCode != null) {
            c.put("exitCode", exitCode);
        }
        if (hostPort > 0) {
            c.putArray("networkBindings")
                    .addObject()
                    .put("bindIP", "127.0.0.1")
                    .put("containerPort", 80)
                    .put("hostPort", hostPort)
                    .put("protocol", "tcp");
        }
        return event(reg, "task", "task", task);
    }
}
