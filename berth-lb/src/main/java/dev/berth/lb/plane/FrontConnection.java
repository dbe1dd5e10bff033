package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One client connection to an application load balancer listener, on its event loop: it reads
 * requests one at a time, routes each (rules in priority order), answers fixed responses,
 * redirects and ELB errors itself and hands forwards to a {@link ProxyExchange}.
 *
 * <p>Requests are handled in order: while an exchange's response is pending, further (pipelined)
 * messages wait in a queue and reading pauses. Reading also pauses while the target connection
 * cannot take more bytes (back-pressure for request bodies). After a WebSocket upgrade the
 * connection is a byte tunnel to its target connection.
 */
final class FrontConnection extends PlaneConnection {

    private static final int PIPELINED = 1;
    static final int TARGET_BUSY = 2;

    final HttpListener listener;
    final HttpListener.LoopPool loop;
    String source;
    /** The exchange whose request or response is in progress. */
    ProxyExchange current;
    /** Consuming the rest of a request already answered. */
    private boolean discarding;
    private ArrayDeque<Object> queued;
    private int paused;
    /** The request being answered is a HEAD request (a local answer then has no body). */
    private boolean headRequest;
    /** The target connection after a WebSocket upgrade. */
    BackConnection tunnel;

    FrontConnection(HttpListener listener, HttpListener.LoopPool loop) {
        this.listener = listener;
        this.loop = loop;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        startIdleTimer(TimeUnit.SECONDS.toNanos(listener.rt.idleTimeoutSeconds + 1L));
        listener.rt.activeConnections.incrementAndGet();
        if (channel.remoteAddress() instanceof InetSocketAddress a) {
            source = a.getAddress().getHostAddress();
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopIdleTimer();
        listener.rt.activeConnections.decrementAndGet();
        if (current != null) {
            current.frontClosed();
            current = null;
        }
        if (tunnel != null) {
            tunnel.channel.close();
        }
        if (queued != null) {
            queued.forEach(ReferenceCountUtil::release);
            queued.clear();
        }
    }

    @Override
    void read(Object msg) {
        if (tunnel != null) {
            if (msg instanceof ByteBuf) {
                send(tunnel, msg);
                if (!tunnel.channel.isWritable()) {
                    pause(TARGET_BUSY);
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (busy() || queued != null && !queued.isEmpty()) {
            if (queued == null) {
                queued = new ArrayDeque<>();
            }
            queued.add(msg);
            pause(PIPELINED);
            return;
        }
        dispatch(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            if (current != null && current.back != null) {
                current.back.resume();
            }
            if (tunnel != null) {
                tunnel.resume();
            }
        }
    }

    @Override
    void idle() {
        channel.close();
    }

    private boolean busy() {
        return current != null && current.requestDone;
    }

    void pause(int reason) {
        paused |= reason;
        channel.config().setAutoRead(false);
    }

    void resume(int reason) {
        paused &= ~reason;
        if (paused == 0 && channel.isActive()) {
            channel.config().setAutoRead(true);
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            request(req);
        }
        if (msg instanceof HttpContent c) {
            boolean last = c instanceof LastHttpContent;
            if (discarding) {
                c.release();
                discarding = !last;
            } else if (current != null && !current.requestDone) {
                current.requestContent(c, last);
            } else {
                c.release();
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The current request was answered before its body ended: drop the rest of the body. */
    void discardRest() {
        discarding = true;
    }

    /** The exchange has ended (its response is written): go on with queued requests. */
    void exchangeDone(ProxyExchange ex, boolean keepAlive) {
        if (current == ex) {
            current = null;
        }
        if (!keepAlive) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        while (queued != null && !queued.isEmpty() && !busy() && channel.isActive()) {
            dispatch(queued.poll());
        }
        if (queued == null || queued.isEmpty()) {
            resume(PIPELINED);
        }
    }

    private void request(HttpRequest req) {
        listener.lbCount.add(1);
        headRequest = req.method().equals(HttpMethod.HEAD);
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? 431 : 400;
            elbError(status, false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        discarding = true; // until the request's last content, unless an exchange takes it
        switch (listener.rt.routes.route(req, source)) {
            case Routes.Fixed f -> {
                listener.countElb(f.status());
                local(HttpResponseStatus.valueOf(f.status()), f.contentType(), f.body(), null, keepAlive);
            }
            case Routes.Redirect r -> local(HttpResponseStatus.valueOf(r.status()), "text/html",
                    "<html>\r\n<head><title>" + r.status() + " Moved</title></head>\r\n<body>\r\n<center><h1>" + r.status()
                            + " Moved</h1></center>\r\n</body>\r\n</html>\r\n", location(new Routes.Request(req, source), r), keepAlive);
            case Routes.Forward f -> forward(req, f, keepAlive);
        }
    }

    private String location(Routes.Request req, Routes.Redirect r) {
        String port0 = listener.portText;
        String host = req.host() != null ? req.host() : listener.rt.address;
        String fullPath = req.path();
        String path = fullPath.startsWith("/") ? fullPath.substring(1) : fullPath;
        String query = req.query() == null ? "" : req.query();
        String protocol = r.protocol().replace("#{protocol}", "HTTP").toLowerCase(Locale.ROOT);
        String port = r.port().replace("#{port}", port0);
        String h = r.host().replace("#{host}", host).replace("#{port}", port0);
        String p = r.path().replace("#{path}", path).replace("#{host}", host).replace("#{port}", port0);
        String q = r.query().replace("#{query}", query).replace("#{host}", host).replace("#{path}", path);
        boolean defaultPort = protocol.equals("http") && port.equals("80") || protocol.equals("https") && port.equals("443");
        return protocol + "://" + h + (defaultPort ? "" : ":" + port) + p + (q.isEmpty() ? "" : "?" + q);
    }

    private void forward(HttpRequest req, Routes.Forward f, boolean keepAlive) {
        HttpHeaders headers = req.headers();
        TargetPool pool = null;
        String groupCookie = f.groupStickiness() ? HttpListener.cookie(headers.get(HttpHeaderNames.COOKIE), HttpListener.GROUP_COOKIE) : null;
        if (groupCookie != null) {
            for (TargetPool p : f.groups()) {
                if (Integer.toHexString(p.arn.hashCode()).equals(groupCookie)) {
                    pool = p;
                }
            }
        }
        if (pool == null) {
            pool = f.choose();
        }
        if (pool == null || pool.registeredCount() == 0) {
            elbError(503, keepAlive);
            return;
        }
        TargetPool.Tuning tuning = pool.tuning();
        Backend b = null;
        if (tuning.sticky()) {
            String c = HttpListener.cookie(headers.get(HttpHeaderNames.COOKIE), HttpListener.STICKY_COOKIE);
            if (c != null) {
                try {
                    b = pool.sticky(new String(Base64.getUrlDecoder().decode(c), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException notOurs) {
                    b = null;
                }
            }
        }
        if (b == null) {
            b = pool.pickForRequest();
        }
        if (b == null) {
            elbError(503, keepAlive);
            return;
        }
        discarding = false;
        current = new ProxyExchange(this, req, b, pool, f, keepAlive);
        current.start();
    }

    /** Answers the current request with an ELB error page (502, 503, 504 or a 4xx for a malformed request). */
    void elbError(int status, boolean keepAlive) {
        listener.countElb(status);
        String text = switch (status) {
            case 502 -> "Bad Gateway";
            case 503 -> "Service Temporarily Unavailable";
            case 504 -> "Gateway Time-out";
            case 414 -> "Request-URI Too Large";
            case 431 -> "Request Header Fields Too Large";
            default -> "Bad Request";
        };
        local(new HttpResponseStatus(status, text), "text/html", "<html>\r\n<head><title>" + status + " " + text
                + "</title></head>\r\n<body>\r\n<center><h1>" + status + " " + text + "</h1></center>\r\n</body>\r\n</html>\r\n",
                null, keepAlive);
    }

    /** Writes a response the load balancer makes itself (fixed response, redirect, error page). */
    private void local(HttpResponseStatus status, String contentType, String body, String location, boolean keepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status.code()).append(' ').append(status.reasonPhrase())
                .append("\r\nServer: awselb/2.0\r\nContent-Type: ").append(contentType)
                .append("\r\nContent-Length: ").append(bytes.length).append("\r\n");
        if (location != null) {
            head.append("Location: ").append(location).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        ByteBuf out = channel.alloc().ioBuffer(head.length() + bytes.length);
        out.writeCharSequence(head, StandardCharsets.UTF_8);
        if (!headRequest) {
            out.writeBytes(bytes);
        }
        if (!keepAlive) {
            channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.writeAndFlush(out, channel.voidPromise());
        }
    }
}
