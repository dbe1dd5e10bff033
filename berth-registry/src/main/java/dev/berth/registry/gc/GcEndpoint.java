package dev.berth.registry.gc;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.http.FrontDoor;
import dev.berth.protocol.http.RequestBodies;
import dev.berth.protocol.sigv4.Dialect;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /_berth/registry/v1/gc}: runs a garbage collection now and answers what it did; what
 * {@code berth registry gc} calls. Optional {@code ?graceSeconds=N} overrides the grace period. SigV4-signed for the signing name {@code berth}, and only the root
 * access key may call it (like the join-token rotation).
 */
public final class GcEndpoint implements Handler<HttpServerRequest>, AutoCloseable {

    public static final String PATH = "/_berth/registry/v1/gc";
    private static final Logger LOG = LoggerFactory.getLogger(GcEndpoint.class);

    private final Vertx vertx;
    private final GarbageCollector gc;
    private final Authenticator authenticator;
    private final Predicate<CallContext> isRoot;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    public GcEndpoint(Vertx vertx, GarbageCollector gc, Authenticator authenticator, Predicate<CallContext> isRoot) {
        this.vertx = vertx;
        this.gc = gc;
        this.authenticator = authenticator;
        this.isRoot = isRoot;
    }

    @Override
    public void handle(HttpServerRequest req) {
        Context ctx = vertx.getOrCreateContext();
        RequestBodies.read(
                req,
                64 * 1024,
                body -> workers.execute(() -> run(req, ctx, body)),
                () -> send(req, ctx, 413, new JsonObject().put("__type", "RequestEntityTooLargeException")));
    }

    private void run(HttpServerRequest req, Context ctx, byte[] body) {
        try {
            if (!req.path().equals(PATH) || req.method() != HttpMethod.POST) {
                throw new AwsException("NotFoundException", 404, "No such registry admin endpoint.");
            }
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
                throw new AwsException(
                        "AccessDeniedException", 403, "Only the root access key may run registry garbage collection.");
            }
            String graceParam = req.getParam("graceSeconds");
            GarbageCollector.Result r;
            if (graceParam == null) {
                r = gc.run();
            } else {
                long seconds;
                try {
                    seconds = Long.parseLong(graceParam);
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
                if (seconds < 0) {
                    throw new AwsException(
                            "InvalidParameterException", 400, "graceSeconds must be a non-negative integer.");
                }
                r = gc.run(java.time.Duration.ofSeconds(seconds));
            }
            LOG.info("registry gc on demand: {}", r);
            send(
                    req,
                    ctx,
                    200,
                    new JsonObject()
                            .put("manifests", r.manifests())
                            .put("markedBlobs", r.marked())
                            .put("linksRemoved", r.linksRemoved())
                            .put("blobsDeleted", r.blobsDeleted())
                            .put("bytesFreed", r.bytesFreed())
                            .put("millis", r.millis()));
        } catch (AwsException e) {
            send(
                    req,
                    ctx,
                    e.httpStatus(),
                    new JsonObject().put("__type", e.code()).put("message", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("registry gc failed", e);
            send(
                    req,
                    ctx,
                    500,
                    new JsonObject().put("__type", "ServerException").put("message", e.toString()));
        }
    }

    private static void send(HttpServerRequest req, Context ctx, int status, JsonObject body) {
        ctx.runOnContext(v -> req.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode()));
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
