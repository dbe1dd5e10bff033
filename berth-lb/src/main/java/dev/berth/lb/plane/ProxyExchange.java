package dev.berth.lb.plane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * One request forwarded to one target, on the front connection's event loop: the request head
 * (edited in place: hop-by-hop headers removed, X-Forwarded-For/-Proto/-Port and X-Amzn-Trace-Id
 * set) and body stream to a target connection, the response streams back. It counts against its
 * backend's in-flight requests from start to end, once.
 *
 * <p>Ends: the response's last content was written (the target connection goes back to the loop's
 * pool when both sides allow keep-alive and the whole request was sent); or it failed: 502 when the
 * target cannot be reached, closes early or answers malformed, 504 when it is silent for the idle
 * timeout, or, once the response has started, the client connection is closed.
 */
final class ProxyExchange {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
    private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("X-Forwarded-Port");
    private static final AsciiString X_AMZN_TRACE_ID = AsciiString.cached("X-Amzn-Trace-Id");
    private static final AsciiString HTTP = AsciiString.cached("http");

    final FrontConnection front;
    final HttpRequest head;
    final Backend backend;
    final TargetPool pool;
    final Routes.Forward action;
    final boolean webSocket;
    private final boolean headRequest;
    /** The client spoke HTTP/1.0 (the head is upgraded to 1.1 towards the target). */
    private final boolean http10;
    private final long startNanos;
    private boolean keepAlive;
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
        this.startNanos = System.nanoTime();
    }

    void start() {
        backend.inFlight.incrementAndGet();
        pool.requestCount.add(1);
        HttpHeaders h = head.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(head);
        CharSequence upgrade = webSocket ? h.get(HttpHeaderNames.UPGRADE) : null;
        stripHopByHop(h);
        if (webSocket) {
            h.set(HttpListener.Names.CONNECTION, HttpHeaderValues.UPGRADE);
            h.set(HttpListener.Names.UPGRADE, upgrade);
        }
        if (chunked) {
            h.set(HttpListener.Names.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        String source = front.source;
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null || xff.isEmpty() ? source : xff + ", " + source);
        h.set(X_FORWARDED_PROTO, HTTP);
        h.set(X_FORWARDED_PORT, front.listener.portText);
        String trace = h.get(X_AMZN_TRACE_ID);
        h.set(X_AMZN_TRACE_ID, trace == null ? "Root=" + HttpListener.traceId() : "Self=" + HttpListener.traceId() + ";" + trace);
        if (!h.contains(HttpHeaderNames.HOST)) {
            h.set(HttpListener.Names.HOST, backend.hostHeader);
        }
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
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
        c.client = front.ch;
        front.writeToTarget(c.channel, head);
        if (waiting != null) {
            HttpContent m;
            while ((m = waiting.poll()) != null) {
                front.writeToTarget(c.channel, m);
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
        front.writeToTarget(back.channel, content);
        if (!back.channel.isWritable()) {
            front.pause(FrontConnection.TARGET_BUSY);
        }
    }

    /** The target's response head: count it, make it the client's, send it on. */
    void response(HttpResponse r) {
        int status = r.status().code();
        responded(status);
        HttpHeaders h = r.headers();
        back.keepAlive = HttpUtil.isKeepAlive(r) && !webSocket;
        stripHopByHop(h);
        boolean bodyless = headRequest || status == 204 || status == 304;
        if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10 || !keepAlive) {
                keepAlive = false;
            } else {
                h.set(HttpListener.Names.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (!keepAlive) {
            h.set(HttpListener.Names.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpListener.Names.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        TargetPool.Tuning tuning = pool.tuning();
        if (tuning.sticky()) {
            String value = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(TargetPool.cookieKey(backend).getBytes(StandardCharsets.UTF_8));
            h.add(HttpListener.Names.SET_COOKIE, HttpListener.STICKY_COOKIE + "=" + value + "; Max-Age=" + tuning.cookieSeconds() + "; Path=/");
        }
        if (action.groupStickiness() && action.groups().size() > 1) {
            h.add(HttpListener.Names.SET_COOKIE, HttpListener.GROUP_COOKIE + "=" + Integer.toHexString(pool.arn.hashCode())
                    + "; Max-Age=" + action.groupStickinessSeconds() + "; Path=/");
        }
        back.writeToClient(r);
    }

    /** Response body from the target; the last piece ends the exchange. */
    void responseContent(HttpContent c, boolean last) {
        if (!last) {
            back.writeToClient(c);
            return;
        }
        BackConnection b = back;
        back = null;
        b.exchange = null;
        if (keepAlive) {
            b.writeToClient(c);
        } else {
            front.ch.writeAndFlush(c).addListener(ChannelFutureListener.CLOSE);
        }
        if (b.keepAlive && requestDone && b.channel.isActive()) {
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

    /** The target accepted a WebSocket upgrade: send its 101 on and relay bytes both ways from now on. */
    void upgraded(HttpResponse r) {
        responded(101);
        BackConnection b = back;
        Channel client = front.ch;
        b.tunnel = true;
        front.tunnel = b;
        front.current = null;
        Runnable close = () -> {
            client.close();
            b.channel.close();
        };
        backend.tunnels.add(close);
        b.channel.closeFuture().addListener(f -> {
            backend.tunnels.remove(close);
            client.close();
            finish();
        });
        client.writeAndFlush(r);
        client.pipeline().remove("http");
        b.channel.pipeline().remove("http");
        front.resume(~0);
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
        if (!front.ch.isActive()) {
            return;
        }
        if (responded) {
            front.ch.close();
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

    /**
     * Removes hop-by-hop headers (RFC 9110 7.6.1) and those the Connection header lists: one pass
     * over the headers finds them, so names that are not there cost no lookups.
     */
    static void stripHopByHop(HttpHeaders h) {
        java.util.List<CharSequence> remove = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (!HttpListener.hopByHop(name)) {
                continue;
            }
            if (remove == null) {
                remove = new java.util.ArrayList<>(4);
            }
            remove.add(name);
            CharSequence v = e.getValue();
            if (name.length() == 10 && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                    && !AsciiString.contentEqualsIgnoreCase(v, HttpHeaderValues.KEEP_ALIVE)
                    && !AsciiString.contentEqualsIgnoreCase(v, HttpHeaderValues.CLOSE)) {
                for (String token : v.toString().split(",")) {
                    String t = token.trim();
                    if (!t.isEmpty()) {
                        remove.add(t);
                    }
                }
            }
        }
        if (remove != null) {
            for (CharSequence name : remove) {
                h.remove(name);
            }
        }
    }
}
