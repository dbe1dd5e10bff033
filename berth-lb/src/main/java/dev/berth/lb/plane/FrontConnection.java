package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One client connection to an application load balancer listener, on its event loop: its
 * {@link RequestParser} finds the requests in the bytes read; each is routed (rules in priority
 * order), answered here (fixed responses, redirects, ELB errors) or handed to a
 * {@link ProxyExchange}.
 *
 * <p>Requests are handled in order: while an exchange is in progress, the bytes of further
 * (pipelined) requests are held by the parser and reading pauses. Reading also pauses while the
 * target connection cannot take more bytes (back-pressure for request bodies), or while more than
 * {@link #HOLD_MAX} bytes wait for a target connection to open. A body whose request was already
 * answered is read and dropped. After a WebSocket upgrade the connection is a byte tunnel to its
 * target connection.
 */
final class FrontConnection extends PlaneConnection implements RequestParser.Sink {

    private static final int PIPELINED = 1;
    static final int TARGET_BUSY = 2;
    private static final int HOLD_MAX = 1 << 20;
    private static final int LINGER_SECONDS = 2;

    final HttpListener listener;
    final HttpListener.LoopPool loop;
    String source;
    private RequestParser parser;
    /** The exchange whose request or response is in progress. */
    ProxyExchange current;
    /** The exchange the body being read goes to; null while a body is dropped or between requests. */
    private ProxyExchange receiving;
    /** A request's body is being read. */
    private boolean inBody;
    /** The connection closes after the response being written: no further request is read. */
    private boolean closing;

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
        parser = new RequestParser(this, ctx.alloc());
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
        receiving = null;
        if (tunnel != null) {
            tunnel.channel.close();
        }
        parser.release();
        dropOut();
    }

    @Override
    void read(Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            bytes.release(); // after the last answer: dropped while the close lingers
            return;
        }
        if (tunnel != null) {
            send(tunnel, bytes);
            if (!tunnel.channel.isWritable()) {
                pause(TARGET_BUSY);
            }
            return;
        }
        parser.feed(bytes);
        parsed();
    }

    /** After parsing: send what was gathered for the target, pause for held requests or a slow connect. */
    private void parsed() {
        flushOut();
        if (parser.holding()) {
            pause(PIPELINED);
        }
        if (current != null && current.back == null && gathered() > HOLD_MAX) {
            pause(TARGET_BUSY);
        }
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

    @Override
    PlaneConnection outTo() {
        ProxyExchange ex = current;
        return ex != null ? ex.back : null;
    }

    @Override
    boolean holdOut() {
        return current != null;
    }

    @Override
    void forward(ByteBuf bytes) {
        BackConnection b = current.back;
        send(b, bytes);
        if (!b.channel.isWritable()) {
            pause(TARGET_BUSY);
        }
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

    // ---- what the parser finds ------------------------------------------------------------------

    @Override
    public boolean ready() {
        return current == null && !closing && tunnel == null && channel.isActive();
    }

    @Override
    public void head(ClientRequest request) {
        inBody = true;
        request(request);
    }

    @Override
    public void body(ByteBuf buf, int index, int length) {
        if (receiving != null) {
            emit(buf, index, length);
        }
    }

    @Override
    public void end() {
        inBody = false;
        ProxyExchange ex = receiving;
        if (ex != null) {
            receiving = null;
            ex.requestDone = true;
        }
    }

    @Override
    public void malformed(int status) {
        ProxyExchange ex = receiving;
        if (ex != null) {
            receiving = null;
            ex.requestMalformed();
            current = null;
        } else if (inBody) {
            channel.close(); // the body of a request already answered
        } else {
            listener.lbCount.add(1);
            headRequest = false;
            elbError(status, false);
        }
    }

    /** The current request was answered before its body ended: drop the rest of the body. */
    void discardRest() {
        receiving = null;
    }

    /** The exchange has ended (its response is written): go on with held requests. */
    void exchangeDone(ProxyExchange ex, boolean keepAlive) {
        if (current == ex) {
            current = null;
        }
        if (receiving == ex) {
            receiving = null;
        }
        if (!keepAlive) {
            closing = true;
            // a body the client is still sending is read and dropped while the close lingers
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (inBody) {
                    lingeringClose();
                } else {
                    channel.close();
                }
            });
            return;
        }
        paused &= ~TARGET_BUSY; // that exchange's target connection no longer takes this client's bytes
        if (channel.isActive()) {
            parser.resume();
            parsed();
        }
        if (!parser.holding()) {
            resume(PIPELINED);
        }
    }

    /** The target switched protocols: bytes the client sent after its upgrade request belong to the tunnel. */
    void tunnelStarted() {
        ByteBuf early = parser.takePending();
        if (early != null) {
            if (early.isReadable()) {
                send(tunnel, early);
            } else {
                early.release();
            }
        }
        resume(~0);
    }

    private void request(ClientRequest req) {
        listener.lbCount.add(1);
        headRequest = req.head;
        boolean keepAlive = req.keepAlive();
        switch (listener.rt.routes.route(req, source)) {
            case Routes.Fixed f -> {
                listener.countElb(f.status());
                local(HttpResponseStatus.valueOf(f.status()), f.contentType(), f.body(), null, keepAlive);
            }
            case Routes.Redirect r ->
                local(
                        HttpResponseStatus.valueOf(r.status()),
                        "text/html",
                        "<html>\r\n<head><title>" + r.status() + " Moved</title></head>\r\n<body>\r\n<center><h1>"
                                + r.status() + " Moved</h1></center>\r\n</body>\r\n</html>\r\n",
                        location(new Routes.Request(req, source), r),
                        keepAlive);
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
        boolean defaultPort =
                protocol.equals("http") && port.equals("80") || protocol.equals("https") && port.equals("443");
        return protocol + "://" + h + (defaultPort ? "" : ":" + port) + p + (q.isEmpty() ? "" : "?" + q);
    }

    private void forward(ClientRequest req, Routes.Forward f, boolean keepAlive) {
        TargetPool pool = null;
        String groupCookie =
                f.groupStickiness() ? HttpListener.cookie(req.header("cookie"), HttpListener.GROUP_COOKIE) : null;
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
            String c = HttpListener.cookie(req.header("cookie"), HttpListener.STICKY_COOKIE);
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
        current = receiving = new ProxyExchange(this, req, b, pool, f, keepAlive);
        current.start(req);
    }

    /** Answers the current request with an ELB error page (502, 503, 504 or a 4xx for a malformed request). */
    void elbError(int status, boolean keepAlive) {
        listener.countElb(status);
        String text =
                switch (status) {
                    case 502 -> "Bad Gateway";
                    case 503 -> "Service Temporarily Unavailable";
                    case 504 -> "Gateway Time-out";
                    case 414 -> "Request-URI Too Large";
                    case 501 -> "Not Implemented";
                    case 505 -> "HTTP Version Not Supported";
                    case 431 -> "Request Header Fields Too Large";
                    default -> "Bad Request";
                };
        local(
                new HttpResponseStatus(status, text),
                "text/html",
                "<html>\r\n<head><title>" + status + " " + text + "</title></head>\r\n<body>\r\n<center><h1>" + status
                        + " " + text + "</h1></center>\r\n</body>\r\n</html>\r\n",
                null,
                keepAlive);
    }

    /**
     * Closes after an answer the client may still be sending to (a refused head, a body not read):
     * output first, then the rest of the client's bytes are read and dropped for up to
     * {@link #LINGER_SECONDS} until it closes too. Closing with unread bytes would reset the
     * connection, and a reset can destroy the answer before the client reads it.
     */
    private void lingeringClose() {
        if (!(channel instanceof DuplexChannel d) || !channel.isActive()) {
            channel.close();
            return;
        }
        d.shutdownOutput().addListener(f -> {
            paused = 0;
            channel.config().setAutoRead(true);
            channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
    }

    /** Writes a response the load balancer makes itself (fixed response, redirect, error page). */
    private void local(HttpResponseStatus status, String contentType, String body, String location, boolean keepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ")
                .append(status.code())
                .append(' ')
                .append(status.reasonPhrase())
                .append("\r\nServer: awselb/2.0\r\nContent-Type: ")
                .append(contentType)
                .append("\r\nContent-Length: ")
                .append(bytes.length)
                .append("\r\n");
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
            closing = true;
            channel.writeAndFlush(out).addListener(f -> lingeringClose());
        } else {
            channel.writeAndFlush(out, channel.voidPromise());
        }
    }
}
