package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;

/**
 * One request forwarded to one target, on the front connection's event loop: the request head
 * (written by {@link RequestHead}: hop-by-hop headers removed, X-Forwarded-For/-Proto/-Port and
 * X-Amzn-Trace-Id set) and body stream to a target connection, the response streams back as bytes
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
    final HttpRequest head;
    final Backend backend;
    final TargetPool pool;
    final Routes.Forward action;
    final boolean webSocket;
    private final boolean headRequest;
    /** The client spoke HTTP/1.0 (the head is upgraded to 1.1 towards the target). */
    private final boolean http10;
    /** The request body is chunked (its chunks are framed again towards the target). */
    private final boolean chunkedRequest;
    private final long startNanos;
    private boolean keepAlive;
    /** The response body ends when the target closes and goes to the client chunked. */
    private boolean rechunk;
    BackConnection back;
    private ArrayDeque<HttpContent> waiting;
    boolean requestDone;
    private boolean responded;
    private boolean finished;

    ProxyExchange(FrontConnection front, HttpRequest head, Backend backend, TargetPool pool, Routes.Forward action, boolean keepAlive) {
        this.front = front;
        this.head = head;
        this.backend = backend;
        this.pool = pool;
        this.action = action;
        this.keepAlive = keepAlive;
        this.headRequest = head.method().equals(HttpMethod.HEAD);
        this.http10 = head.protocolVersion().equals(HttpVersion.HTTP_1_0);
        HttpHeaders h = head.headers();
        this.webSocket = h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        this.chunkedRequest = HttpUtil.isTransferEncodingChunked(head);
        this.startNanos = System.nanoTime();
    }

    void start() {
        backend.inFlight.incrementAndGet();
        pool.requestCount.add(1);
        BackConnection c = webSocket ? null : front.loop.take(backend);
        if (c != null) {
            connected(c);
        } else {
            front.loop.connect(backend, this);
        }
    }

    /** A target connection is ready for this exchange (on the loop). */
    void connected(BackConnection c) {
        if (finished) {
            c.channel.close();
            return;
        }
        back = c;
        c.exchange = this;
        c.client = front;
        c.framer.begin(headRequest, webSocket);
        ByteBuf out = c.channel.alloc().ioBuffer(512);
        RequestHead.write(out, head, front.source, front.listener.portText, webSocket, chunkedRequest, backend.hostHeader);
        front.send(c, out);
        if (waiting != null) {
            HttpContent m;
            while ((m = waiting.poll()) != null) {
                sendContent(m, m instanceof LastHttpContent);
            }
        }
        if (!c.channel.isWritable()) {
            front.pause(FrontConnection.TARGET_BUSY);
        }
    }

    /** Request body from the client. */
    void requestContent(HttpContent content, boolean last) {
        if (last) {
            requestDone = true;
        }
        if (back == null) {
            if (finished) {
                content.release();
                return;
            }
            if (waiting == null) {
                waiting = new ArrayDeque<>();
            }
            waiting.add(content);
            return;
        }
        sendContent(content, last);
        if (!back.channel.isWritable()) {
            front.pause(FrontConnection.TARGET_BUSY);
        }
    }

    /** Sends body bytes to the target, in chunk framing when the request came chunked. */
    private void sendContent(HttpContent content, boolean last) {
        ByteBuf data = content.content();
        if (!chunkedRequest) {
            if (data.isReadable()) {
                front.send(back, data);
            } else {
                content.release();
            }
            return;
        }
        int n = data.readableBytes();
        if (n > 0) {
            front.send(back, chunkSize(back.channel.alloc().ioBuffer(12), n));
            front.send(back, data);
            front.send(back, Unpooled.wrappedBuffer(CRLF));
        } else {
            content.release();
        }
        if (last) {
            ByteBuf end = back.channel.alloc().ioBuffer(64);
            end.writeByte('0').writeBytes(CRLF);
            if (content instanceof LastHttpContent lc) {
                RequestHead.writeHeaders(end, lc.trailingHeaders());
            }
            end.writeBytes(CRLF);
            front.send(back, end);
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
                    int s = h.lineStart[i];
                    while (s < h.lineEnd[i] && (b.getByte(s) == ' ' || b.getByte(s) == '\t')) {
                        s++;
                    }
                    out.writerIndex(out.writerIndex() - 2).writeByte(' ').writeBytes(b, s, h.lineEnd[i] - s).writeBytes(CRLF);
                }
                continue;
            }
            lastKept = h.forwarded(i);
            if (lastKept) {
                out.writeBytes(b, h.lineStart[i], h.lineEnd[i] - h.lineStart[i]).writeBytes(CRLF);
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
            String value = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(TargetPool.cookieKey(backend).getBytes(StandardCharsets.UTF_8));
            ByteBufUtil.writeAscii(out, "Set-Cookie: " + HttpListener.STICKY_COOKIE + "=" + value + "; Max-Age=" + tuning.cookieSeconds()
                    + "; Path=/\r\n");
        }
        if (action.groupStickiness() && action.groups().size() > 1) {
            ByteBufUtil.writeAscii(out, "Set-Cookie: " + HttpListener.GROUP_COOKIE + "=" + Integer.toHexString(pool.arn.hashCode())
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
        client.channel.pipeline().remove("http");
        client.resume(~0);
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
        releaseWaiting();
        finish();
    }

    private void releaseWaiting() {
        if (waiting != null) {
            waiting.forEach(HttpContent::release);
            waiting = null;
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            backend.inFlight.decrementAndGet();
        }
    }
}
