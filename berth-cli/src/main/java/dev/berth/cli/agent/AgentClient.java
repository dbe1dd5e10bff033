package dev.berth.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The agent's side of the agent protocol ({@code docs/agent-protocol.md}): plain HTTP with JSON
 * bodies and bearer credentials, one method per endpoint. It only talks to the server; retrying and
 * deciding what a failure means is {@link Agent}'s job.
 *
 * <p>Blocking; called from the agent's own (virtual) thread. Interrupting that thread aborts a
 * long-poll in flight.
 */
public final class AgentClient implements AutoCloseable {

    /** A non-2xx answer: the HTTP status and the server's {@code __type} and message. */
    public static final class AgentHttpException extends Exception {
        private final int status;
        private final String type;
        private final String detail;

        public AgentHttpException(int status, String type, String message) {
            super(status + " " + type + ": " + message);
            this.status = status;
            this.type = type;
            this.detail = message;
        }

        /** The server's own message, without status and type. */
        public String detail() {
            return detail;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }
    }

    private final URI base;
    private final ObjectMapper mapper;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public AgentClient(URI server, ObjectMapper mapper) {
        String s = server.toString();
        this.base = URI.create((s.endsWith("/") ? s : s + "/") + "_berth/agent/v1/");
        this.mapper = mapper;
    }

    public JsonNode register(String joinToken, JsonNode registration)
            throws IOException, InterruptedException, AgentHttpException {
        return send("POST", "register", joinToken, registration, Duration.ofSeconds(30));
    }

    public JsonNode reregister(AgentIdentity id, JsonNode registration)
            throws IOException, InterruptedException, AgentHttpException {
        return send("PUT", instancePath(id), id.secret(), registration, Duration.ofSeconds(30));
    }

    /**
     * Long-polls the desired state; returns within about {@code waitSeconds}. {@code runtime} ({@code OK}
     * or {@code IMPAIRED}) tells the server whether this host's Docker Engine answers.
     */
    public JsonNode desired(AgentIdentity id, long since, int waitSeconds, String runtime)
            throws IOException, InterruptedException, AgentHttpException {
        return send(
                "GET",
                instancePath(id) + "/desired?since=" + since + "&wait=" + waitSeconds + "&runtime=" + runtime,
                id.secret(),
                null,
                Duration.ofSeconds(waitSeconds + 15L));
    }

    public JsonNode report(AgentIdentity id, JsonNode events)
            throws IOException, InterruptedException, AgentHttpException {
        return send("POST", instancePath(id) + "/events", id.secret(), events, Duration.ofSeconds(30));
    }

    /** Ships one batch of a container's log events (the awslogs driver). */
    public JsonNode shipLogs(AgentIdentity id, JsonNode batch)
            throws IOException, InterruptedException, AgentHttpException {
        return send("POST", instancePath(id) + "/logs", id.secret(), batch, Duration.ofSeconds(30));
    }

    /** Creates a container's log stream (and group, with awslogs-create-group) before the container starts. */
    public JsonNode openLogStream(AgentIdentity id, JsonNode body)
            throws IOException, InterruptedException, AgentHttpException {
        return send("POST", instancePath(id) + "/logs/streams", id.secret(), body, Duration.ofSeconds(10));
    }

    public JsonNode deregister(AgentIdentity id) throws IOException, InterruptedException, AgentHttpException {
        return send("DELETE", instancePath(id), id.secret(), null, Duration.ofSeconds(10));
    }

    private static String instancePath(AgentIdentity id) {
        return "clusters/" + id.cluster() + "/instances/" + id.instanceId();
    }

    private JsonNode send(String method, String path, String bearer, JsonNode body, Duration timeout)
            throws IOException, InterruptedException, AgentHttpException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json;
        try {
            json = r.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(r.body());
        } catch (IOException e) {
            throw new AgentHttpException(
                    r.statusCode(), "InvalidResponse", "the server answered something that is not JSON");
        }
        if (r.statusCode() / 100 != 2) {
            throw new AgentHttpException(
                    r.statusCode(),
                    json.path("__type").asText("Unknown"),
                    json.path("message").asText(""));
        }
        return json;
    }

    @Override
    public void close() {
        http.close();
    }
}
