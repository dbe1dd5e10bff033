package dev.berth.lb.plane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What both ends of an application load balancer exchange share: their channel, the idle timeout,
 * and writes to the other end flushed once per read batch.
 *
 * <p>Idle timeout: a connection notes when it last read or had bytes written to it
 * ({@link #touch}), and one timer per connection looks at that once per idle period. Netty's
 * IdleStateHandler does the same job but counts a write only when it completes, so it wraps every
 * write in a new promise with a listener; on the proxy's hot path that showed in profiles.
 *
 * <p>Flushes: bytes written to the other end while this connection's read batch is handled
 * ({@link #send}) are flushed once when the batch ends, or at once outside a batch. Everything
 * runs on the connection's event loop.
 */
abstract class PlaneConnection extends ChannelInboundHandlerAdapter {

    Channel channel;
    private long idleNanos;
    private long lastIo;
    private ScheduledFuture<?> idleTimer;
    private boolean reading;
    private Channel flushLater;

    /** Starts the idle timer: {@link #idle} runs once nothing was read or written for {@code idleNanos}. */
    final void startIdleTimer(long nanos) {
        idleNanos = nanos;
        touch();
        schedule(nanos);
    }

    private void schedule(long delay) {
        idleTimer = channel.eventLoop().schedule(this::checkIdle, delay, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (!channel.isOpen()) {
            return;
        }
        long quiet = System.nanoTime() - lastIo;
        if (quiet >= idleNanos) {
            idle();
        } else {
            schedule(idleNanos - quiet);
        }
    }

    final void touch() {
        lastIo = System.nanoTime();
    }

    /** The idle timeout passed. */
    abstract void idle();

    /** A message read from this connection. */
    abstract void read(Object msg);

    /** Writes {@code msg} to the other end {@code to}; flushed when this read batch ends, or now outside one. */
    final void send(PlaneConnection to, Object msg) {
        Channel c = to.channel;
        to.touch();
        if (reading) {
            c.write(msg, c.voidPromise());
            Channel f = flushLater;
            if (f != null && f != c) {
                f.flush();
            }
            flushLater = c;
        } else {
            c.writeAndFlush(msg, c.voidPromise());
        }
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        touch();
        read(msg);
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        Channel f = flushLater;
        if (f != null) {
            flushLater = null;
            f.flush();
        }
    }

    /** Stops the idle timer; subclasses call this when their channel goes inactive. */
    final void stopIdleTimer() {
        ScheduledFuture<?> t = idleTimer;
        if (t != null) {
            idleTimer = null;
            t.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        channel.close();
    }
}
