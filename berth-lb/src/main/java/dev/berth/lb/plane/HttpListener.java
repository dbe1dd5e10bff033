package dev.berth.lb.plane;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An application load balancer listener: an HTTP/1.1 reverse proxy written directly on Netty, on
 * event loops of its own ({@link PlaneTransport}); Vert.x only deploys it.
 *
 * <p>Why Netty and not Vert.x's HttpServer/HttpClient: the proxy's cost per request is what the
 * benchmark (bench/lb.sh) measures, and Vert.x's pair copies every header into new maps, creates
 * request options, futures and a pipe per exchange and takes a connection from a shared pool. Here
 * a client's request is parsed strictly into byte ranges ({@link RequestParser}: it is the
 * smuggling boundary), its head is written for the target in one pass ({@link RequestHead}) to
 * a target connection that belongs to the same event loop, and the target's bytes are framed,
 * not decoded ({@link ResponseFramer}); neither side builds header objects, bodies stream as
 * slices of the buffers read, and flushes are coalesced per read.
 *
 * <p>Threading: one server channel accepts, on one event loop of the group HTTP listeners share
 * ({@link PlaneTransport}: io_uring or epoll); each accepted connection lives on one loop of it with
 * its {@link FrontConnection}, and every target connection it uses is opened on, and pooled
 * per, that same event loop ({@link LoopPool}), so an exchange never changes thread and needs no
 * locks. What is shared across loops (backends' in-flight counters, metrics, routes) is
 * thread-safe. The Vert.x deployment is a single instance that owns the server channel.
 */
final class HttpListener extends VerticleBase {

    static final String STICKY_COOKIE = "AWSALB";
    static final String GROUP_COOKIE = "AWSALBTG";

    final ListenerRuntime rt;
    private final PlaneTransport transport;
    final Metrics.Series lbCount;
    final Metrics.Series lbElb5xx;
    final Metrics.Series lbElb4xx;
    final Metrics.Series lbResponseTime;
    final Metrics.Series[] lbTargetCodes = new Metrics.Series[4];
    /** X-Forwarded-Port's value. */
    final String portText;

    private final Map<EventLoop, LoopPool> loops = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;

    /** @param transport the event loops client connections (and their target connections) live on, and their channel types */
    HttpListener(ListenerRuntime rt, PlaneTransport transport) {
        this.rt = rt;
        this.transport = transport;
        Metrics metrics = rt.metrics;
        this.lbCount = metrics.series(Metrics.key("RequestCount", "LoadBalancer", rt.lbDimension));
        this.lbElb5xx = metrics.series(Metrics.key("HTTPCode_ELB_5XX_Count", "LoadBalancer", rt.lbDimension));
        this.lbElb4xx = metrics.series(Metrics.key("HTTPCode_ELB_4XX_Count", "LoadBalancer", rt.lbDimension));
        this.lbResponseTime = metrics.series(Metrics.key("TargetResponseTime", "LoadBalancer", rt.lbDimension));
        for (int i = 0; i < 4; i++) {
            lbTargetCodes[i] = metrics.series(
                    Metrics.key("HTTPCode_Target_" + (i + 2) + "XX_Count", "LoadBalancer", rt.lbDimension));
        }
        this.portText = String.valueOf(rt.port);
    }

    /**
     * The client side closes a connection idle for the idle timeout plus one second: a request
     * waiting for a slow target is answered 504 (the target side's idle timeout) before that.
     */
    @Override
    public Future<?> start() {
        ServerBootstrap b = new ServerBootstrap()
                .group(transport.loops(), transport.loops())
                .channelFactory(transport.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast("proxy", new FrontConnection(HttpListener.this, loop(ch.eventLoop())));
                    }
                });
        transport.connectionOptions(b::childOption);
        Promise<Void> bound = Promise.promise();
        bind(b, bound, 30);
        return bound.future();
    }

    /**
     * Binds, retrying for up to 3 s while the address is in use: a listener redeployed on the
     * same port (a new idle timeout) starts while the previous deployment's channel is closing.
     */
    private void bind(ServerBootstrap b, Promise<Void> bound, int attemptsLeft) {
        b.bind(new InetSocketAddress(rt.address, rt.port)).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                server = f.channel();
                bound.complete();
            } else if (attemptsLeft > 0
                    && String.valueOf(f.cause().getMessage()).contains("in use")) {
                vertx.setTimer(100, t -> bind(b, bound, attemptsLeft - 1));
            } else {
                bound.fail(f.cause());
            }
        });
    }

    @Override
    public Future<?> stop() {
        Promise<Void> stopped = Promise.promise();
        if (server != null) {
            server.close();
        }
        channels.close().addListener(f -> stopped.complete());
        return stopped.future();
    }

    private LoopPool loop(EventLoop el) {
        return loops.computeIfAbsent(el, LoopPool::new);
    }

    /**
     * The target connections of one event loop: idle keep-alive connections per backend (used
     * last-in first-out, so a few stay warm) and the bootstrap that opens new ones on this loop.
     * Touched only from its event loop.
     */
    final class LoopPool {
        private final Map<Backend, ArrayDeque<BackConnection>> idle = new IdentityHashMap<>();
        private final Bootstrap bootstrap;

        LoopPool(EventLoop el) {
            this.bootstrap = new Bootstrap()
                    .group(el)
                    .channelFactory(transport.channels())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
            transport.connectionOptions(bootstrap::option);
        }

        /** How long a target connection may be silent: the load balancer's idle timeout. */
        long targetIdleNanos() {
            return TimeUnit.SECONDS.toNanos(rt.idleTimeoutSeconds);
        }

        /** An idle connection to {@code b}, or null. */
        BackConnection take(Backend b) {
            ArrayDeque<BackConnection> q = idle.get(b);
            if (q == null) {
                return null;
            }
            BackConnection c;
            while ((c = q.pollLast()) != null) {
                if (c.channel.isActive()) {
                    return c;
                }
            }
            return null;
        }

        void release(BackConnection c) {
            idle.computeIfAbsent(c.backend, k -> new ArrayDeque<>()).addLast(c);
        }

        void forget(BackConnection c) {
            ArrayDeque<BackConnection> q = idle.get(c.backend);
            if (q != null) {
                q.remove(c);
                if (q.isEmpty()) {
                    idle.remove(c.backend);
                }
            }
        }

        /** Opens a connection to {@code b} on this loop and hands it to {@code ex} (or fails it: 502). */
        void connect(Backend b, ProxyExchange ex) {
            Bootstrap bs = bootstrap.clone().handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    channels.add(ch);
                    ch.pipeline().addLast("proxy", new BackConnection(LoopPool.this, b));
                }
            });
            bs.connect(b.inetSocketAddress).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    ex.connected(f.channel().pipeline().get(BackConnection.class));
                } else {
                    ex.fail(f.cause());
                }
            });
        }
    }

    /** The hop-by-hop header names (RFC 9110 7.6.1), lower case: never forwarded in either direction. */
    private static final String[] HOP_BY_HOP = {
        "te",
        "trailer",
        "upgrade",
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "proxy-authenticate",
        "proxy-authorization"
    };

    /** Whether a decoded header name is hop-by-hop, without allocating a lower-case copy. */
    static boolean hopByHop(CharSequence name) {
        for (String h : HOP_BY_HOP) {
            if (h.length() == name.length() && io.netty.util.AsciiString.contentEqualsIgnoreCase(name, h)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the header name in {@code length} bytes of {@code b} at {@code at} is hop-by-hop. */
    static boolean hopByHop(io.netty.buffer.ByteBuf b, int at, int length) {
        for (String h : HOP_BY_HOP) {
            if (h.length() == length && HeadLines.is(b, at, h)) {
                return true;
            }
        }
        return false;
    }

    /** The value of cookie {@code name} in a Cookie header, or null. */
    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(name) && p.length() > name.length() && p.charAt(name.length()) == '=') {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    void countElb(int status) {
        if (status >= 500) {
            lbElb5xx.add(1);
        } else if (status >= 400) {
            lbElb4xx.add(1);
        }
    }
}
