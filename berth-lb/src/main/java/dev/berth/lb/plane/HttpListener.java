package dev.berth.lb.plane;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event loop's share of an application load balancer listener: an HTTP/1.1 server on the load
 * balancer's address and a client with keep-alive connection pools to the targets. The listener is
 * deployed with one instance per event loop; Vert.x spreads accepted connections across them, and
 * each instance's client connections live on its own event loop, so a request never changes thread.
 *
 * <p>Per request: the rules pick an action; a forward picks a target group (by weight) and a
 * target (sticky cookie, then the group's algorithm), and the request streams to it with hop-by-hop
 * headers removed and X-Forwarded-For/-Proto/-Port and X-Amzn-Trace-Id added; the response streams
 * back. Errors are answered as ALB answers them: 503 when the group has no registered target, 502
 * when the target refuses or breaks the connection or answers malformed, 504 when it does not answer
 * within the idle timeout. A WebSocket upgrade is relayed frame by frame once the target has
 * accepted it (other upgrades are forwarded as plain requests; ALB too supports only WebSocket).
 */
final class HttpListener extends VerticleBase {

    static final String STICKY_COOKIE = "AWSALB";
    static final String GROUP_COOKIE = "AWSALBTG";

    private final ListenerRuntime rt;
    private final Metrics metrics;
    private final Metrics.Series lbCount;
    private final Metrics.Series lbElb5xx;
    private final Metrics.Series lbElb4xx;
    private final Metrics.Series lbResponseTime;
    private final Metrics.Series[] lbTargetCodes = new Metrics.Series[4];
    private HttpClientAgent client;
    private WebSocketClient webSockets;
    private HttpServer server;

    HttpListener(ListenerRuntime rt) {
        this.rt = rt;
        this.metrics = rt.metrics;
        this.lbCount = metrics.series(Metrics.key("RequestCount", "LoadBalancer", rt.lbDimension));
        this.lbElb5xx = metrics.series(Metrics.key("HTTPCode_ELB_5XX_Count", "LoadBalancer", rt.lbDimension));
        this.lbElb4xx = metrics.series(Metrics.key("HTTPCode_ELB_4XX_Count", "LoadBalancer", rt.lbDimension));
        this.lbResponseTime = metrics.series(Metrics.key("TargetResponseTime", "LoadBalancer", rt.lbDimension));
        for (int i = 0; i < 4; i++) {
            lbTargetCodes[i] = metrics.series(Metrics.key("HTTPCode_Target_" + (i + 2) + "XX_Count", "LoadBalancer", rt.lbDimension));
        }
    }

    /**
     * The client side closes a connection idle for the idle timeout plus one second: a request
     * waiting for a slow target is answered 504 (the target side's idle timeout) before that.
     */
    @Override
    public Future<?> start() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60).setTcpNoDelay(true)
                        .setConnectTimeout(10_000).setDecompressionSupported(false).setMaxInitialLineLength(16384)
                        .setMaxHeaderSize(65536),
                new PoolOptions().setHttp1MaxSize(512).setMaxWaitQueueSize(-1));
        webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(10_000)
                .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(rt.address).setPort(rt.port).setTcpNoDelay(true)
                .setIdleTimeout(rt.idleTimeoutSeconds + 1).setIdleTimeoutUnit(TimeUnit.SECONDS).setCompressionSupported(false)
                .setDecompressionSupported(false).setMaxInitialLineLength(16384).setMaxHeaderSize(65536));
        server.connectionHandler(c -> {
            rt.activeConnections.incrementAndGet();
            c.closeHandler(v -> rt.activeConnections.decrementAndGet());
        });
        server.requestHandler(this::handle);
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server.close().eventually(() -> client.close()).eventually(() -> webSockets.close());
    }

    private void handle(HttpServerRequest req) {
        req.pause();
        lbCount.add(1);
        String source = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        switch (rt.routes.route(req, source)) {
            case Routes.Fixed f -> {
                req.resume();
                countElb(f.status());
                req.response().setStatusCode(f.status()).putHeader("Server", "awselb/2.0")
                        .putHeader("Content-Type", f.contentType()).end(f.body());
            }
            case Routes.Redirect r -> {
                req.resume();
                req.response().setStatusCode(r.status()).putHeader("Server", "awselb/2.0")
                        .putHeader("Location", location(req, r)).putHeader("Content-Type", "text/html")
                        .end("<html>\r\n<head><title>" + r.status() + " Moved</title></head>\r\n<body>\r\n<center><h1>" + r.status()
                                + " Moved</h1></center>\r\n</body>\r\n</html>\r\n");
            }
            case Routes.Forward f -> forward(req, f, source);
        }
    }

    private String location(HttpServerRequest req, Routes.Redirect r) {
        String host = req.authority() != null ? req.authority().host() : rt.address;
        String path = req.path().startsWith("/") ? req.path().substring(1) : req.path();
        String query = req.query() == null ? "" : req.query();
        String protocol = r.protocol().replace("#{protocol}", "HTTP").toLowerCase(java.util.Locale.ROOT);
        String port = r.port().replace("#{port}", String.valueOf(rt.port));
        String h = r.host().replace("#{host}", host).replace("#{port}", String.valueOf(rt.port));
        String p = r.path().replace("#{path}", path).replace("#{host}", host).replace("#{port}", String.valueOf(rt.port));
        String q = r.query().replace("#{query}", query).replace("#{host}", host).replace("#{path}", path);
        boolean defaultPort = protocol.equals("http") && port.equals("80") || protocol.equals("https") && port.equals("443");
        return protocol + "://" + h + (defaultPort ? "" : ":" + port) + p + (q.isEmpty() ? "" : "?" + q);
    }

    private void forward(HttpServerRequest req, Routes.Forward f, String source) {
        TargetPool pool = null;
        String groupCookie = f.groupStickiness() ? cookie(req, GROUP_COOKIE) : null;
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
            elbError(req, 503, "Service Temporarily Unavailable");
            return;
        }
        boolean sticky = pool.conf().attributes().getOrDefault("stickiness.enabled", "false").equals("true");
        Backend b = null;
        if (sticky) {
            String c = cookie(req, STICKY_COOKIE);
            if (c != null) {
                b = pool.sticky(new String(java.util.Base64.getUrlDecoder().decode(c), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (b == null) {
            b = pool.pickForRequest();
        }
        if (b == null) {
            elbError(req, 503, "Service Temporarily Unavailable");
            return;
        }
        Exchange ex = new Exchange(req, b, pool, System.nanoTime());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        boolean upgrade = req.headers().contains(HttpHeaderNames.UPGRADE);
        String connectionTokens = req.getHeader(HttpHeaderNames.CONNECTION);
        for (Map.Entry<String, String> h : req.headers()) {
            String name = h.getKey();
            if (hopByHop(name) || connectionTokens != null && listed(connectionTokens, name)) {
                continue;
            }
            headers.add(name, h.getValue());
        }
        String xff = req.getHeader("X-Forwarded-For");
        headers.set("X-Forwarded-For", xff == null || xff.isEmpty() ? source : xff + ", " + source);
        headers.set("X-Forwarded-Proto", "http");
        headers.set("X-Forwarded-Port", String.valueOf(rt.port));
        String trace = req.getHeader("X-Amzn-Trace-Id");
        headers.set("X-Amzn-Trace-Id", trace == null ? "Root=" + traceId() : "Self=" + traceId() + ";" + trace);
        boolean chunked = "chunked".equalsIgnoreCase(req.getHeader(HttpHeaderNames.TRANSFER_ENCODING));
        boolean hasBody = chunked || req.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        if (upgrade && "websocket".equalsIgnoreCase(req.getHeader(HttpHeaderNames.UPGRADE))) {
            webSocket(ex, headers);
            return;
        }
        RequestOptions o = new RequestOptions().setMethod(req.method()).setServer(ex.backend.socketAddress)
                .setHost(ex.backend.address).setPort(ex.backend.port)
                .setURI(req.uri()).setHeaders(headers).setIdleTimeout(rt.idleTimeoutSeconds * 1000L);
        String stickyValue = sticky ? java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                TargetPool.cookieKey(b).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : null;
        int stickySeconds = Integer.parseInt(pool.conf().attributes().getOrDefault("stickiness.lb_cookie.duration_seconds", "86400"));
        TargetPool chosen = pool;
        client.request(o).onComplete(ar -> {
            if (ar.failed()) {
                ex.fail(ar.cause());
                return;
            }
            var creq = ar.result();
            creq.exceptionHandler(ex::fail);
            Future<HttpClientResponse> sent;
            if (hasBody) {
                if (chunked) {
                    creq.setChunked(true);
                }
                sent = creq.send(req);
            } else {
                req.resume();
                sent = creq.send();
            }
            sent.onComplete(r -> {
                if (r.failed()) {
                    ex.fail(r.cause());
                    return;
                }
                HttpClientResponse cr = r.result();
                ex.responded(cr.statusCode());
                HttpServerResponse resp = req.response();
                resp.setStatusCode(cr.statusCode()).setStatusMessage(cr.statusMessage());
                String respTokens = cr.getHeader(HttpHeaderNames.CONNECTION);
                MultiMap out = resp.headers();
                for (Map.Entry<String, String> h : cr.headers()) {
                    String name = h.getKey();
                    if (!hopByHop(name) && (respTokens == null || !listed(respTokens, name))) {
                        out.add(name, h.getValue());
                    }
                }
                if (stickyValue != null) {
                    resp.headers().add("Set-Cookie", STICKY_COOKIE + "=" + stickyValue + "; Max-Age=" + stickySeconds + "; Path=/");
                }
                if (f.groupStickiness() && f.groups().size() > 1) {
                    resp.headers().add("Set-Cookie", GROUP_COOKIE + "=" + Integer.toHexString(chosen.arn.hashCode())
                            + "; Max-Age=" + f.groupStickinessSeconds() + "; Path=/");
                }
                resp.send(cr).onComplete(done -> {
                    if (done.failed() && !resp.closed()) {
                        req.connection().close();
                    }
                    ex.finish();
                });
            });
        });
    }

    /**
     * A WebSocket upgrade: opens the WebSocket to the target first (with the forwarding headers),
     * then accepts the client's, and relays frames both ways until either side closes. A target
     * that refuses the upgrade has its status passed on; one that cannot be reached is a 502.
     */
    private void webSocket(Exchange ex, MultiMap headers) {
        HttpServerRequest req = ex.req;
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(ex.backend.address).setPort(ex.backend.port)
                .setURI(req.uri()).setTimeout(rt.idleTimeoutSeconds * 1000L);
        String protocols = req.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            for (String p : protocols.split(",")) {
                o.addSubProtocol(p.trim());
            }
        }
        headers.forEach((k, v) -> {
            String n = k.toLowerCase(java.util.Locale.ROOT);
            if (!n.startsWith("sec-websocket-") && !n.equals("host") && !n.equals("connection") && !n.equals("upgrade")) {
                o.addHeader(k, v);
            }
        });
        webSockets.connect(o).onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof io.vertx.core.http.UpgradeRejectedException rejected) {
                    ex.responded(rejected.getStatus());
                    req.resume();
                    req.response().setStatusCode(rejected.getStatus()).end(rejected.getBody() == null
                            ? io.vertx.core.buffer.Buffer.buffer() : rejected.getBody());
                    ex.finish();
                } else {
                    ex.fail(ar.cause());
                }
                return;
            }
            WebSocket back = ar.result();
            ex.responded(101);
            req.resume();
            req.toWebSocket().onComplete(fr -> {
                if (fr.failed()) {
                    back.close();
                    ex.finish();
                    return;
                }
                ServerWebSocket front = fr.result();
                Runnable close = () -> {
                    front.close();
                    back.close();
                };
                ex.backend.tunnels.add(close);
                front.frameHandler(back::writeFrame);
                back.frameHandler(front::writeFrame);
                front.closeHandler(v -> back.close());
                back.closeHandler(v -> {
                    front.close();
                    ex.backend.tunnels.remove(close);
                    ex.finish();
                });
            });
        });
    }

    /** Whether a header is hop-by-hop (RFC 9110 7.6.1), without allocating a lower-case copy. */
    static boolean hopByHop(String name) {
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("te");
            case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            case 18 -> name.equalsIgnoreCase("proxy-authenticate");
            case 19 -> name.equalsIgnoreCase("proxy-authorization");
            default -> false;
        };
    }

    private static boolean listed(String connectionHeader, String name) {
        for (String t : connectionHeader.split(",")) {
            if (t.trim().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    static String cookie(HttpServerRequest req, String name) {
        String header = req.getHeader("Cookie");
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code 1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>}, the X-Ray trace id format ALB uses. */
    static String traceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[35];
        c[0] = '1';
        c[1] = '-';
        long t = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 8; i++) {
            c[2 + i] = HEX[(int) (t >>> (28 - 4 * i)) & 15];
        }
        c[10] = '-';
        long a = r.nextLong();
        int b = r.nextInt();
        for (int i = 0; i < 16; i++) {
            c[11 + i] = HEX[(int) (a >>> (60 - 4 * i)) & 15];
        }
        for (int i = 0; i < 8; i++) {
            c[27 + i] = HEX[(b >>> (28 - 4 * i)) & 15];
        }
        return new String(c);
    }

    private void countElb(int status) {
        if (status >= 500) {
            lbElb5xx.add(1);
        } else if (status >= 400) {
            lbElb4xx.add(1);
        }
    }

    private void elbError(HttpServerRequest req, int status, String text) {
        req.resume();
        countElb(status);
        HttpServerResponse resp = req.response();
        if (resp.headWritten()) {
            req.connection().close();
            return;
        }
        resp.setStatusCode(status).setStatusMessage(text).putHeader("Server", "awselb/2.0").putHeader("Content-Type", "text/html")
                .end("<html>\r\n<head><title>" + status + " " + text + "</title></head>\r\n<body>\r\n<center><h1>" + status + " "
                        + text + "</h1></center>\r\n</body>\r\n</html>\r\n");
    }

    /** One forwarded request: counts it against its backend until it ends, once. */
    private final class Exchange {
        final HttpServerRequest req;
        final Backend backend;
        final TargetPool pool;
        final long startNanos;
        final AtomicBoolean done = new AtomicBoolean();
        volatile boolean responded;

        Exchange(HttpServerRequest req, Backend backend, TargetPool pool, long startNanos) {
            this.req = req;
            this.backend = backend;
            this.pool = pool;
            this.startNanos = startNanos;
            backend.inFlight.incrementAndGet();
            pool.requestCount.add(1);
            req.response().closeHandler(v -> finish());
        }

        void responded(int status) {
            responded = true;
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            pool.responseTime.add(seconds);
            lbResponseTime.add(seconds);
            int cls = Math.max(0, Math.min(3, status / 100 - 2));
            pool.targetCodes[cls].add(1);
            lbTargetCodes[cls].add(1);
        }

        void fail(Throwable cause) {
            if (done.get()) {
                return;
            }
            if (!responded) {
                if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException
                        || cause != null && cause.getClass().getSimpleName().contains("Timeout")) {
                    elbError(req, 504, "Gateway Time-out");
                } else {
                    elbError(req, 502, "Bad Gateway");
                }
            } else if (!req.response().ended()) {
                req.connection().close();
            }
            finish();
        }

        void finish() {
            if (done.compareAndSet(false, true)) {
                backend.inFlight.decrementAndGet();
            }
        }
    }
}
