package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One request forwarded to one target, on the front connection's event loop: the request head
 * (written by {@link RequestHead}: hop-by-hop headers removed, X-Forwarded-For/-Proto/-Port and
 * X-Amzn-Trace-Id set) and body (framed by {@link RequestParser}) stream to a target connection, the response streams back as bytes
 * framed by the connection's {@link ResponseFramer}. It counts against its backend's in-flight
 * requests from start to end, once.
 *
 * <p>Response bodies keep their framing when the client can take it: Content-Length as is, chunked
 * passed through with its chunk lines; for an HTTP/1.0 client a chunked body loses its framing and
 * the connection closes after it; a body that ends when the target closes is chunked for a
 * keep-alive HTTP/1.1 client, else the client connection closes after it too.
 *
 * <p>Ends: the response's last byte was written (the target connection goes back to the loop's
 * pool when both sides allow keep-alive and the whole request was sent); or it failed: 502 when the
 * target cannot be reached, closes early or answers malformed, 504 when it is silent for the idle
 * timeout, or, once the response has started, the client connection is closed.
 */
final class ProxyExchange {

    private static final byte[] HTTP_1_1 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final FrontConnection front;
    final Backend backend;
    final TargetPool pool;
    final Routes.Forward action;
    final boolean webSocket;
    private final boolean headRequest;
    /** The client spoke HTTP/1.0 (the head is upgraded to 1.1 towards the target). */
    private final boolean http10;

    private final long startNanos;
    private boolean keepAlive;
    /** The response body ends when the target closes and goes to the client chunked. */
    private boolean rechunk;

    BackConnection back;
    /** The client's request has been read to its end. */
    boolean requestDone;

    private boolean responded;
    private boolean finished;

    ProxyExchange(
            FrontConnection front,
            ClientRequest request,
            Backend backend,
            TargetPool pool,
            Routes.Forward action,
            boolean keepAlive) {
        this.front = front;
        this.backend = backend;
        this.pool = pool;
        this.action = action;
        this.keepAlive = keepAlive;
        this.headRequest = request.head;
        this.http10 = request.http10();
        this.webSocket = request.webSocket();
        this.startNanos = System.nanoTime();
    }

    /**
     * Writes the target's request head into the client connection's gathering buffer (where it
     * waits if no target connection is ready) and takes a pooled connection or opens one.
     */
    void start(ClientRequest request) {
        backend.inFlight.incrementAndGet();
        pool.requestCount.add(1);
        RequestHead.write(front.out(512), request, front.source, front.listener.portText, backend.hostHeader);
        BackConnection c = webSocket ? null : front.loop.take(backend);
        if (c != null) {
            connected(c);
        } else {
            front.loop.connect(backend, this);
        }
    }

    /** A target connection is ready for this exchange (on the loop): what was gathered for it goes now. */
    void connected(BackConnection c) {
        if (finished) {
            c.channel.close();
            return;
        }
        back = c;
        c.exchange = this;
        c.client = front;
        c.framer.begin(headRequest, webSocket);
        front.flushOut();
        if (!c.channel.isWritable()) {
            front.pause(FrontConnection.TARGET_BUSY);
        } else {
            front.resume(FrontConnection.TARGET_BUSY);
        }
    }

    /** The target's final response head: count it and write the client's version of it. */
    void response(ResponseHead h) {
        int status = h.status;
        responded(status);
        boolean bodyless = headRequest || status == 204 || status == 304;
        boolean chunkedOut = false;
        if (!bodyless && (h.transferEncoding || h.contentLength < 0)) {
            if (h.transferEncoding && h.chunked) {
                if (http10) {
                    back.framer.dechunk();
                    keepAlive = false;
                } else {
                    chunkedOut = true;
                }
            } else if (http10 || !keepAlive) {
                keepAlive = false;
            } else {
                rechunk = true;
                chunkedOut = true;
            }
        }
        ByteBuf b = h.buf;
        ByteBuf out = back.out(h.end - h.statusStart + 256);
        out.writeBytes(HTTP_1_1).writeBytes(b, h.statusStart, h.statusLineEnd - h.statusStart);
        if (h.statusLineEnd - h.statusStart == 3) {
            out.writeByte(' ');
        }
        out.writeBytes(CRLF);
        boolean lastKept = false;
        for (int i = 0; i < h.count; i++) {
            if (h.kind[i] == ResponseHead.FOLDED) {
                if (lastKept) { // an obsolete line folding becomes one space (RFC 9112 5.2)
                    out.writerIndex(out.writerIndex() - 2)
                            .writeByte(' ')
                            .writeBytes(b, h.valueStart[i], h.valueEnd[i] - h.valueStart[i])
                            .writeBytes(CRLF);
                }
                continue;
            }
            lastKept = h.forwarded(i);
            if (lastKept) {
                out.writeBytes(b, h.lineStart[i], h.valueEnd[i] - h.lineStart[i])
                        .writeBytes(CRLF);
            }
        }
        if (chunkedOut) {
            out.writeBytes(CHUNKED);
        }
        if (!keepAlive) {
            out.writeBytes(CLOSE);
        } else if (http10) {
            out.writeBytes(KEEP_ALIVE);
        }
        TargetPool.Tuning tuning = pool.tuning();
        if (tuning.sticky()) {
            String value = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(TargetPool.cookieKey(backend).getBytes(StandardCharsets.UTF_8));
            ByteBufUtil.writeAscii(
                    out,
                    "Set-Cookie: " + HttpListener.STICKY_COOKIE + "=" + value + "; Max-Age=" + tuning.cookieSeconds()
                            + "; Path=/\r\n");
        }
        if (action.groupStickiness() && action.groups().size() > 1) {
            ByteBufUtil.writeAscii(
                    out,
                    "Set-Cookie: " + HttpListener.GROUP_COOKIE + "=" + Integer.toHexString(pool.arn.hashCode())
                            + "; Max-Age=" + action.groupStickinessSeconds() + "; Path=/\r\n");
        }
        out.writeBytes(CRLF);
    }

    /** Response body bytes from the target. */
    void responseBody(ByteBuf buf, int index, int length) {
        if (!rechunk) {
            back.emit(buf, index, length);
        } else if (length > 0) {
            chunkSize(back.out(12), length);
            back.emit(buf, index, length);
            back.out(2).writeBytes(CRLF);
        }
    }

    /** Writes a chunk's size line (hex, CRLF) to {@code out}. */
    private static ByteBuf chunkSize(ByteBuf out, int size) {
        ByteBufUtil.writeAscii(out, Integer.toHexString(size));
        return out.writeBytes(CRLF);
    }

    /** An interim (1xx) response from the target: passed on as it came, except to an HTTP/1.0 client (RFC 9110 15.2). */
    void informational(ByteBuf buf, int index, int length) {
        if (!http10) {
            back.emit(buf, index, length);
        }
    }

    /** The response ended: hand the target connection back (or close it) and go on with the client's next request. */
    void responseEnd(boolean reusable) {
        BackConnection b = back;
        back = null;
        b.exchange = null;
        if (rechunk) {
            b.out(LAST_CHUNK.length).writeBytes(LAST_CHUNK);
        }
        b.flushOut();
        if (!keepAlive) {
            front.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        if (reusable && requestDone && b.channel.isActive()) {
            b.resume();
            front.loop.release(b);
        } else {
            b.channel.close();
        }
        if (!requestDone) {
            front.discardRest();
        }
        finish();
        front.exchangeDone(this, keepAlive);
    }

    /** The target accepted a WebSocket upgrade: send its 101 on as it came and relay bytes both ways from now on. */
    void upgraded(ByteBuf buf, int index, int length) {
        responded(101);
        BackConnection b = back;
        FrontConnection client = front;
        b.tunnel = true;
        client.tunnel = b;
        client.current = null;
        Runnable close = () -> {
            client.channel.close();
            b.channel.close();
        };
        backend.tunnels.add(close);
        b.channel.closeFuture().addListener(f -> {
            backend.tunnels.remove(close);
            client.channel.close();
            finish();
        });
        b.emit(buf, index, length);
        b.flushOut();
        client.tunnelStarted();
    }

    void responded(int status) {
        responded = true;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        pool.responseTime.add(seconds);
        front.listener.lbResponseTime.add(seconds);
        int cls = Math.max(0, Math.min(3, status / 100 - 2));
        pool.targetCodes[cls].add(1);
        front.listener.lbTargetCodes[cls].add(1);
    }

    /** The target could not be reached, broke the connection or answered malformed: 502. */
    void fail(Throwable cause) {
        end(502);
    }

    /** The target was silent for the idle timeout: 504. */
    void timeout() {
        end(504);
    }

    private void end(int status) {
        if (finished) {
            return;
        }
        abandon();
        if (!front.channel.isActive()) {
            return;
        }
        if (responded) {
            front.channel.close();
            return;
        }
        if (!requestDone) {
            front.discardRest();
        }
        front.elbError(status, keepAlive);
        front.exchangeDone(this, keepAlive);
    }

    /** The client's body broke the framing rules: the target connection cannot take the rest; 400 unless the response has started. */
    void requestMalformed() {
        if (finished) {
            return;
        }
        abandon();
        if (responded) {
            front.channel.close();
        } else {
            front.elbError(400, false);
        }
    }

    /** The client went away: abandon the target connection. */
    void frontClosed() {
        if (!finished) {
            abandon();
        }
    }

    private void abandon() {
        BackConnection b = back;
        back = null;
        if (b != null) {
            b.exchange = null;
            b.channel.close();
        }
        if (front.current == this) {
            front.dropOut(); // request bytes gathered for a target connection that never came
        }
        finish();
    }

    private void finish() {
        if (!finished) {
            finished = true;
            backend.inFlight.decrementAndGet();
        }
    }
}
