package dev.berth.registry.oci;

import dev.berth.protocol.http.RawResponses;
import dev.berth.registry.RegistryError;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One request under {@code /v2/} being answered from a virtual thread: every write hops back to
 * the request's event-loop context. Every response carries {@code Docker-Distribution-API-Version}.
 */
final class OciExchange {

    final HttpServerRequest req;
    final Context ctx;

    OciExchange(HttpServerRequest req, Context ctx) {
        this.req = req;
        this.ctx = ctx;
    }

    MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap().add("Docker-Distribution-API-Version", "registry/2.0");
    }

    void send(int status, MultiMap headers, Buffer body) {
        RawResponses.send(req, ctx, status, headers, body);
    }

    /** Sends {@code length} bytes of a file from {@code offset}, zero-copy where the platform allows. */
    void sendFile(int status, MultiMap headers, Path file, long offset, long length) {
        RawResponses.sendFile(req, ctx, status, headers, file, offset, length);
    }

    void error(RegistryError e, MultiMap extra) {
        MultiMap h = headers().add("Content-Type", "application/json");
        if (extra != null) {
            h.addAll(extra);
        }
        send(e.code().status(), h, Buffer.buffer(errorBody(e.code().oci(), e.getMessage()), "UTF-8"));
    }

    static String errorBody(String code, String message) {
        JsonObject error = new JsonObject()
                .put("code", code)
                .put("message", message == null ? "" : message)
                .put("detail", new JsonObject());
        return new JsonObject().put("errors", new JsonArray().add(error)).encode();
    }

    static Buffer json(String s) {
        return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
