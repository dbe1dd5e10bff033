package dev.berth.lb.plane;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The event loops and channel types application load balancer listeners use: io_uring when the
 * kernel offers it and the operator did not turn it off, else Vert.x's transport (native epoll
 * when it loads). Both the accepting and the connection channels live on these loops.
 *
 * <p>Why io_uring: the proxy's cost is mostly system calls (a receive and a send per request on
 * each side); io_uring submits them in batches, and with a buffer ring connections receive with
 * one multishot request instead of one receive per read. On the benchmark machine that halved the
 * CPU per request against epoll (docs/benchmarks.md).
 *
 * @param bufferRing whether connections receive into the loops' buffer ring ({@link #connectionOptions})
 */
record PlaneTransport(
        String name,
        EventLoopGroup loops,
        ChannelFactory<? extends ServerChannel> serverChannels,
        ChannelFactory<? extends Channel> channels,
        boolean bufferRing) {

    /** The buffer ring of each io_uring event loop: 256 buffers of 8 KiB (2 MiB per loop). */
    private static final short BUFFER_GROUP = 1;

    private static final short RING_BUFFERS = 256;
    private static final int RING_BUFFER_SIZE = 8192;

    static PlaneTransport create(VertxInternal vertx, int threads, boolean ioUring) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> new FastThreadLocalThread(r, "berth-alb-" + n.getAndIncrement());
        if (ioUring && IoUring.isAvailable()) {
            IoUringIoHandlerConfig config = new IoUringIoHandlerConfig()
                    .setBufferRingConfig(IoUringBufferRingConfig.builder()
                            .bufferGroupId(BUFFER_GROUP)
                            .bufferRingSize(RING_BUFFERS)
                            .batchSize(32)
                            .allocator(new IoUringFixedBufferRingAllocator(
                                    PooledByteBufAllocator.DEFAULT, RING_BUFFER_SIZE))
                            .build());
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, named, IoUringIoHandler.newFactory(config));
            return new PlaneTransport(
                    "io_uring", group, IoUringServerSocketChannel::new, IoUringSocketChannel::new, true);
        }
        Transport t = vertx.transport();
        EventLoopGroup group = t.eventLoopGroup(Transport.IO_EVENT_LOOP_GROUP, threads, named, 50);
        String why = !ioUring ? "io_uring turned off" : "io_uring unavailable: " + IoUring.unavailabilityCause();
        return new PlaneTransport(
                t.getClass().getSimpleName() + " (" + why + ")",
                group,
                t.serverChannelFactory(false),
                t.channelFactory(false),
                false);
    }

    /** Sets the channel options this transport's connections need (a bootstrap's option or childOption). */
    void connectionOptions(BiConsumer<ChannelOption<Short>, Short> option) {
        if (bufferRing) {
            option.accept(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
        }
    }
}
