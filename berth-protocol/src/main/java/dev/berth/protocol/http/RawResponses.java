package dev.berth.protocol.http;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;

/**
 * Replies for the raw HTTP services behind the front door (the OCI registry, the S3 endpoint),
 * whose handlers run on virtual threads: each reply hops back to the request's event-loop context,
 * and a response the client already closed (or one already sent) is left alone.
 */
public final class RawResponses {

    private RawResponses() {}

    /** Sends {@code status}, {@code headers} and {@code body}; no body means an explicit zero Content-Length unless one is set. */
    public static void send(HttpServerRequest req, Context ctx, int status, MultiMap headers, Buffer body) {
        ctx.runOnContext(v -> {
            HttpServerResponse resp = req.response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            resp.setStatusCode(status).headers().addAll(headers);
            if (body == null) {
                if (!resp.headers().contains("Content-Length")) {
                    resp.putHeader("Content-Length", "0");
                }
                resp.end();
            } else {
                resp.end(body);
            }
        });
    }

    /**
     * Sends {@code length} bytes of a file from {@code offset}, zero-copy where the platform allows;
     * a HEAD request gets the headers only. A failed transfer resets the connection, so the client
     * sees a broken response rather than a short one.
     */
    public static void sendFile(
            HttpServerRequest req, Context ctx, int status, MultiMap headers, Path file, long offset, long length) {
        ctx.runOnContext(v -> {
            HttpServerResponse resp = req.response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            resp.setStatusCode(status).headers().addAll(headers);
            if (req.method() == HttpMethod.HEAD) {
                resp.putHeader("Content-Length", Long.toString(length)).end();
            } else {
                resp.sendFile(file.toString(), offset, length).onFailure(e -> resp.reset());
            }
        });
    }
}
