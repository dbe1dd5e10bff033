package dev.berth.protocol.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;

/**
 * Reads a whole request body on the event loop with a size limit, for every endpoint that needs
 * the complete body before it can act (AWS API calls, the agent protocol). A body over the limit is
 * refused as soon as its declared length or the bytes received so far exceed it, so an oversized
 * request never makes the server buffer more than the limit, and a body of declared length is
 * held in one array of that length.
 */
public final class RequestBodies {

    private RequestBodies() {}

    /**
     * Collects the body of {@code req}; calls {@code onBody} with it once it has all arrived, or
     * {@code onTooLarge} (once, and then ignores the rest) when it exceeds {@code maxBytes}.
     */
    public static void read(HttpServerRequest req, int maxBytes, Handler<byte[]> onBody, Runnable onTooLarge) {
        String length = req.getHeader("Content-Length");
        int declared = 0;
        if (length != null) {
            try {
                long n = Long.parseLong(length.trim());
                if (n > maxBytes) {
                    req.resume();
                    onTooLarge.run();
                    return;
                }
                declared = (int) Math.max(0, n);
            } catch (NumberFormatException e) {
                // Netty rejects a malformed Content-Length before we get here; fall through to the counted read.
            }
        }
        if (declared > 0) {
            readDeclared(req, declared, onBody, onTooLarge);
            return;
        }
        Buffer acc = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (acc.length() + chunk.length() > maxBytes) {
                tooLarge[0] = true;
                onTooLarge.run();
                return;
            }
            acc.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!tooLarge[0]) {
                onBody.handle(acc.getBytes());
            }
        });
    }

    /**
     * A body whose length was declared (and is within the limit) is copied straight into an array
     * of that size, so a large body is held once, not once in a buffer and again as its copy.
     */
    private static void readDeclared(HttpServerRequest req, int declared, Handler<byte[]> onBody, Runnable onTooLarge) {
        byte[] body = new byte[declared];
        int[] filled = {0};
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            int n = chunk.length();
            if (filled[0] + n > declared) {
                // More than Content-Length said; Netty does not let that happen, but never overrun the array.
                tooLarge[0] = true;
                onTooLarge.run();
                return;
            }
            chunk.getBytes(0, n, body, filled[0]);
            filled[0] += n;
        });
        req.endHandler(v -> {
            if (!tooLarge[0]) {
                onBody.handle(filled[0] == declared ? body : Arrays.copyOf(body, filled[0]));
            }
        });
    }
}
