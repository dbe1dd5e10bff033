package dev.berth.ecs.agent;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.http.FrontDoor;
import dev.berth.protocol.http.RequestBodies;
import dev.berth.protocol.http.RequestWorkers;
import dev.berth.protocol.sigv4.Dialect;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent protocol on the wire ({@code /_berth/agent/v1/}) and the join-token admin call
 * ({@code /_berth/admin/v1/join-token/rotate}); see {@code docs/agent-protocol.md}.
 *
 * <p>Threading: the Vert.x event loop only reads the body (at most 1 MiB) and writes the response.
 * Everything that touches the store runs on a virtual thread. A long-poll holds no thread while it
 * waits: it is a future in {@link InstanceNotifier} plus a Vert.x timer, whichever fires first
 * sends a fresh read of the instance.
 */
public final class AgentEndpoints implements Handler<HttpServerRequest> {

    public static final String PREFIX = "/_berth/agent/v1/";
    public static final String ADMIN_PREFIX = "/_berth/admin/v1/";
    /** Longest long-poll a client may ask for, in seconds. */
    public static final int MAX_WAIT_SECONDS = 60;

    private static final int MAX_BODY = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(AgentEndpoints.class);
    private static final Pattern INSTANCE = Pattern.compile(
            "/_berth/agent/v1/clusters/([A-Za-z0-9_-]{1,255})/instances/([^/]+)(/desired|/events|/logs/streams|/logs)?");

    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final AgentService service;
    private final JoinTokens joinTokens;
    private final InstanceNotifier notifier;
    private final Authenticator authenticator;
    private final Predicate<CallContext> isRoot;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile AgentLogs logs;

    public AgentEndpoints(
            Vertx vertx,
            ObjectMapper mapper,
            AgentService service,
            JoinTokens joinTokens,
            InstanceNotifier notifier,
            Authenticator authenticator,
            Predicate<CallContext> isRoot) {
        this.vertx = vertx;
        this.mapper = mapper;
        this.service = service;
        this.joinTokens = joinTokens;
        this.notifier = notifier;
        this.authenticator = authenticator;
        this.isRoot = isRoot;
    }

    /** Serves {@code POST .../logs} (the awslogs driver's log shipping) with {@code logs}. */
    public AgentEndpoints withLogs(AgentLogs logs) {
        this.logs = logs;
        return this;
    }

    @Override
    public void handle(HttpServerRequest req) {
        Context ctx = vertx.getOrCreateContext();
        RequestBodies.read(
                req,
                MAX_BODY,
                body -> workers.execute(() -> dispatch(req, ctx, body)),
                () -> error(
                        req,
                        ctx,
                        new AwsException("RequestEntityTooLargeException", 413, "The body is larger than 1 MiB.")));
    }

    private void dispatch(HttpServerRequest req, Context ctx, byte[] body) {
        try {
            String path = req.path();
            HttpMethod method = req.method();
            if (path.equals(ADMIN_PREFIX + "join-token/rotate") && method == HttpMethod.POST) {
                rotate(req, ctx, body);
                return;
            }
            if (path.equals(PREFIX + "register") && method == HttpMethod.POST) {
                AgentService.Registered r = service.register(bearer(req), Registration.parse(json(body)));
                send(req, ctx, 200, registered(r));
                return;
            }
            Matcher m = INSTANCE.matcher(path);
            if (!m.matches()) {
                throw AgentErrors.notFound(method.name(), path);
            }
            String cluster = m.group(1);
            String id = m.group(2);
            String sub = m.group(3) == null ? "" : m.group(3);
            String secret = bearer(req);
            switch (sub + " " + method.name()) {
                case " PUT" ->
                    send(
                            req,
                            ctx,
                            200,
                            registered(service.reregister(cluster, id, secret, Registration.parse(json(body)))));
                case " DELETE" -> {
                    StoredContainerInstance gone = service.deregister(cluster, id, secret);
                    send(
                            req,
                            ctx,
                            200,
                            mapper.createObjectNode()
                                    .put(
                                            "containerInstanceArn",
                                            service.instances().arnOf(cluster, id))
                                    .put("status", gone.status().name()));
                }
                case "/desired GET" -> poll(req, ctx, cluster, id, secret);
                case "/events POST" -> {
                    AgentService.Reported r = service.report(cluster, id, secret, json(body));
                    ObjectNode out = mapper.createObjectNode().put("highestSeq", r.highestSeq());
                    r.accepted().forEach(out.putArray("accepted")::add);
                    r.duplicates().forEach(out.putArray("duplicates")::add);
                    if (!out.has("accepted")) {
                        out.putArray("accepted");
                    }
                    if (!out.has("duplicates")) {
                        out.putArray("duplicates");
                    }
                    send(req, ctx, 200, out);
                }
                case "/logs/streams POST" -> {
                    if (logs == null) {
                        throw AgentErrors.notFound(method.name(), path);
                    }
                    send(req, ctx, 200, logs.openStream(cluster, id, secret, json(body)));
                }
                case "/logs POST" -> {
                    if (logs == null) {
                        throw AgentErrors.notFound(method.name(), path);
                    }
                    send(req, ctx, 200, logs.ship(cluster, id, secret, json(body)));
                }
                default -> throw AgentErrors.notFound(method.name(), path);
            }
        } catch (AwsException e) {
            error(req, ctx, e);
        } catch (RuntimeException e) {
            String requestId = UUID.randomUUID().toString();
            LOG.error(
                    "agent request {} {} failed unexpectedly (request id {})", req.method(), req.path(), requestId, e);
            error(
                    req,
                    ctx,
                    new AwsException(
                            "ServerException",
                            500,
                            "Berth hit an internal error; request id " + requestId + " names it in the server log."));
        }
    }

    /**
     * The long-poll: registers a waiter first, then authenticates and records the heartbeat; answers
     * at once if the desired-state version is already past {@code since}, else when the instance
     * changes or {@code wait} seconds pass, whichever is first.
     */
    private void poll(HttpServerRequest req, Context ctx, String cluster, String id, String secret) {
        long since = longParam(req, "since", 0, 0, Long.MAX_VALUE);
        int wait = (int) longParam(req, "wait", 20, 0, MAX_WAIT_SECONDS);
        String key = cluster + "/" + id;
        CompletableFuture<Void> woken = notifier.await(key);
        StoredContainerInstance ci;
        try {
            ci = service.heartbeat(cluster, id, secret, req.getParam("runtime"));
        } catch (RuntimeException e) {
            notifier.cancel(key, woken);
            throw e;
        }
        if (ci.desiredVersion() > since || wait == 0) {
            notifier.cancel(key, woken);
            send(req, ctx, 200, desired(ci));
            return;
        }
        long timer = vertx.setTimer(wait * 1000L, t -> woken.complete(null));
        woken.thenRun(() -> {
            vertx.cancelTimer(timer);
            notifier.cancel(key, woken);
            workers.execute(() -> {
                try {
                    send(req, ctx, 200, desired(service.current(cluster, id)));
                } catch (AwsException e) {
                    error(req, ctx, e);
                } catch (RuntimeException e) {
                    LOG.warn("long-poll of {} failed: {}", key, e.toString());
                    error(
                            req,
                            ctx,
                            new AwsException("ServerException", 500, "The long-poll failed: " + e.getMessage()));
                }
            });
        });
    }

    private ObjectNode desired(StoredContainerInstance ci) {
        return service.desired(ci);
    }

    private ObjectNode registered(AgentService.Registered r) {
        StoredContainerInstance ci = r.instance();
        ObjectNode out = mapper.createObjectNode()
                .put("containerInstanceArn", r.arn())
                .put("cluster", ci.cluster())
                .put("instanceId", ci.id())
                .put("ec2InstanceId", ci.ec2InstanceId())
                .put("status", ci.status().name());
        if (r.secret() != null) {
            out.put("secret", r.secret());
        }
        out.put("highestSeq", ci.highestEventSeq());
        out.put("pollWaitSeconds", service.pollWaitSeconds());
        out.put(
                "heartbeatTimeoutSeconds",
                service.instances().heartbeatTimeout().toSeconds());
        return out;
    }

    private void rotate(HttpServerRequest req, Context ctx, byte[] body) {
        CallContext call = authenticator.authenticate(
                req.method().name(),
                FrontDoor.rawPath(req),
                req.query(),
                FrontDoor.headers(req),
                body,
                "berth",
                Dialect.JSON,
                UUID.randomUUID().toString());
        if (!isRoot.test(call)) {
            throw new AwsException("AccessDeniedException", 403, "Only the root access key may rotate the join token.");
        }
        String token = joinTokens.rotate();
        send(
                req,
                ctx,
                200,
                mapper.createObjectNode()
                        .put("joinToken", token)
                        .put("file", joinTokens.file().toString()));
    }

    private static String bearer(HttpServerRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() == 7) {
            throw AgentErrors.missingCredential();
        }
        return h.substring(7).strip();
    }

    private JsonNode json(byte[] body) {
        try {
            return body.length == 0 ? null : mapper.readTree(body);
        } catch (JacksonException e) {
            throw AgentErrors.invalid("The body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long longParam(HttpServerRequest req, String name, long dflt, long min, long max) {
        String v = req.getParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw AgentErrors.invalid(name + " must be an integer from " + min + " to " + max + ": '" + v + "'.");
    }

    private void send(HttpServerRequest req, Context ctx, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
        ctx.runOnContext(v -> {
            if (!req.response().ended() && !req.response().closed()) {
                req.response()
                        .setStatusCode(status)
                        .putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(bytes));
            }
        });
    }

    private void error(HttpServerRequest req, Context ctx, AwsException e) {
        send(
                req,
                ctx,
                e.httpStatus(),
                mapper.createObjectNode()
                        .put("__type", e.code())
                        .put("message", e.getMessage() == null ? "" : e.getMessage()));
    }

    /** Lets in-flight requests reply (bounded); pending long-polls end with the HTTP server. */
    public void close() {
        RequestWorkers.drain(workers);
    }
}
