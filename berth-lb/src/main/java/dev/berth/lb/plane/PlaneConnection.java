package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
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
 * <p>Gathering: what one read produces for the other end (a rewritten head, small body pieces,
 * chunk framing) is copied into one buffer ({@link #emit}) and written as one message
 * ({@link #flushOut}), so a small request or response costs one write; large pieces go on as
 * slices of the buffer read, without a copy. While there is no other end yet (a target connection
 * still opening) the bytes wait in that buffer.
 *
 * <p>Flushes: bytes written to the other end while this connection's read batch is handled
 * ({@link #send}) are flushed once when the batch ends, or at once outside a batch. Everything
 * runs on the connection's event loop.
 */
abstract class PlaneConnection extends ChannelInboundHandlerAdapter {

    /** Pieces up to this size are copied into the gathering buffer; bigger ones are sent as slices. */
    private static final int COPY_MAX = 2048;

    Channel channel;
    private long idleNanos;
    private long lastIo;
    private ScheduledFuture<?> idleTimer;
    private boolean reading;
    private Channel flushLater;
    private ByteBuf out;

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

    /** Where gathered bytes go now; null while they should wait ({@link #holdOut}) or be dropped. */
    abstract PlaneConnection outTo();

    /** Whether gathered bytes wait while {@link #outTo} is null (else they are dropped). */
    abstract boolean holdOut();

    /** Writes gathered bytes or a slice to {@link #outTo} (with this side's back-pressure). */
    abstract void forward(ByteBuf bytes);

    /** The gathering buffer with room for {@code bytes} more. */
    final ByteBuf out(int bytes) {
        ByteBuf o = out;
        if (o == null) {
            o = out = channel.alloc().ioBuffer(Math.max(512, bytes));
        } else {
            o.ensureWritable(bytes);
        }
        return o;
    }

    /** Bytes gathered and not yet written. */
    final int gathered() {
        return out == null ? 0 : out.readableBytes();
    }

    /** Sends {@code length} bytes of {@code src} to the other end: copied when small (or waiting), else as a slice. */
    final void emit(ByteBuf src, int index, int length) {
        if (length <= COPY_MAX || outTo() == null) {
            out(length).writeBytes(src, index, length);
        } else {
            flushOut();
            forward(src.retainedSlice(index, length));
        }
    }

    /** Writes what was gathered to the other end (or keeps or drops it when there is none). */
    final void flushOut() {
        ByteBuf o = out;
        if (o == null) {
            return;
        }
        if (outTo() == null) {
            if (!holdOut()) {
                dropOut();
            }
            return;
        }
        out = null;
        if (o.isReadable()) {
            forward(o);
        } else {
            o.release();
        }
    }

    /** Drops what was gathered. */
    final void dropOut() {
        ByteBuf o = out;
        if (o != null) {
            out = null;
            o.release();
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
