package dev.berth.objects;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.http.RawResponses;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One S3 request being answered from a virtual thread: every write hops back to the request's
 * event-loop context, and every response carries {@code x-amz-request-id} and {@code x-amz-id-2}.
 * HEAD responses never carry a body, errors included (S3 sends only the status then).
 */
final class S3Exchange {

    final HttpServerRequest req;
    final Context ctx;
    final String requestId;
    /** The caller's account, once authenticated. */
    String account;

    S3Exchange(HttpServerRequest req, Context ctx, String requestId) {
        this.req = req;
        this.ctx = ctx;
        this.requestId = requestId;
    }

    MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap()
                .add("x-amz-request-id", requestId)
                .add("x-amz-id-2", requestId);
    }

    void xml(int status, String xml) {
        send(
                status,
                headers().add("Content-Type", "application/xml"),
                Buffer.buffer(xml.getBytes(StandardCharsets.UTF_8)));
    }

    void empty(int status, MultiMap headers) {
        send(status, headers, null);
    }

    /** HEAD gets the headers only. */
    void send(int status, MultiMap headers, Buffer body) {
        RawResponses.send(req, ctx, status, headers, req.method() == HttpMethod.HEAD ? null : body);
    }

    /** Sends {@code length} bytes of a file from {@code offset}; HEAD sends the headers only. */
    void sendFile(int status, MultiMap headers, Path file, long offset, long length) {
        RawResponses.sendFile(req, ctx, status, headers, file, offset, length);
    }

    void error(AwsException e, String detailName, String detailValue, String resource) {
        S3Xml x = S3Xml.plain("Error").element("Code", e.code()).element("Message", e.getMessage());
        if (detailName != null) {
            x.element(detailName, detailValue);
        }
        String xml = x.element("Resource", resource)
                .element("RequestId", requestId)
                .element("HostId", requestId)
                .end("Error");
        send(
                e.httpStatus(),
                headers().add("Content-Type", "application/xml"),
                Buffer.buffer(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
