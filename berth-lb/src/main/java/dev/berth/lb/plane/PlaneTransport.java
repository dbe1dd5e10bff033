package dev.berth.lb.plane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loops and channel types application load balancer listeners use: io_uring when the
 * kernel offers it and the operator did not turn it off, else Vert.x's transport (native epoll
 * when it loads). Both the accepting and the connection channels live on these loops.
 */
record PlaneTransport(String name, EventLoopGroup loops, ChannelFactory<? extends ServerChannel> serverChannels,
        ChannelFactory<? extends Channel> channels) {

    static PlaneTransport create(VertxInternal vertx, int threads, boolean ioUring) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> new FastThreadLocalThread(r, "berth-alb-" + n.getAndIncrement());
        if (ioUring && IoUring.isAvailable()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, named, IoUringIoHandler.newFactory());
            return new PlaneTransport("io_uring", group, IoUringServerSocketChannel::new, IoUringSocketChannel::new);
        }
        Transport t = vertx.transport();
        EventLoopGroup group = t.eventLoopGroup(Transport.IO_EVENT_LOOP_GROUP, threads, named, 50);
        String why = !ioUring ? "io_uring turned off" : "io_uring unavailable: " + IoUring.unavailabilityCause();
        return new PlaneTransport(t.getClass().getSimpleName() + " (" + why + ")", group, t.serverChannelFactory(false),
                t.channelFactory(false));
    }
}
