package dev.berth.protocol.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body as a blocking {@link InputStream}, for the virtual thread that writes an upload
 * into the blob store while the event loop keeps receiving. Memory is bounded: when more than
 * {@link #HIGH_WATER} bytes wait in the queue the request is paused (TCP back-pressure reaches the
 * client), and it is resumed once the reader has drained below {@link #LOW_WATER}. A connection that
 * fails, or stays silent longer than the idle timeout, makes {@code read} throw, so the upload keeps
 * the bytes written so far and the client can resume.
 *
 * <p>Threading: handlers are installed on the event loop (in the constructor, before the request
 * can deliver data); {@code read} is called from one virtual thread.
 */
public final class RequestStream extends InputStream {

    public static final long HIGH_WATER = 2 * 1024 * 1024;
    static final long LOW_WATER = 512 * 1024;
    private static final Buffer END = Buffer.buffer();

    private final HttpServerRequest req;
    private final Context ctx;
    private final LinkedBlockingQueue<Buffer> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final long idleTimeoutMillis;
    private volatile Throwable failure;
    private Buffer current;
    private int pos;
    private boolean ended;

    public RequestStream(HttpServerRequest req, Context ctx, long idleTimeoutMillis) {
        this.req = req;
        this.ctx = ctx;
        this.idleTimeoutMillis = idleTimeoutMillis;
        req.handler(buf -> {
            queue.add(buf);
            if (queued.addAndGet(buf.length()) > HIGH_WATER && paused.compareAndSet(false, true)) {
                req.pause();
            }
        });
        req.endHandler(v -> queue.add(END));
        req.exceptionHandler(e -> {
            failure = e;
            queue.add(END);
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos >= current.length()) {
            if (ended) {
                return -1;
            }
            Buffer next;
            try {
                next = queue.poll(idleTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the request body");
            }
            if (next == null) {
                throw new IOException("the client sent nothing for " + idleTimeoutMillis + " ms");
            }
            if (next == END) {
                ended = true;
                if (failure != null) {
                    throw new IOException("the request failed: " + failure, failure);
                }
                return -1;
            }
            current = next;
            pos = 0;
            if (queued.addAndGet(-next.length()) < LOW_WATER && paused.compareAndSet(true, false)) {
                ctx.runOnContext(v -> req.resume());
            }
        }
        int n = Math.min(len, current.length() - pos);
        current.getBytes(pos, pos + n, b, off);
        pos += n;
        return n;
    }
}
