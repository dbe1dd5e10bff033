package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What the two framers of the application load balancer share ({@link RequestParser} for
 * clients, {@link ResponseFramer} for targets): the bytes of an unfinished head or line kept until
 * the next read, and a body of known length passed on as slices of the buffers read.
 */
abstract class ByteFramer {

    /** Where body bytes go. */
    interface BodySink {
        /** {@code length} bytes of {@code buf} at {@code index}, valid only during the call. */
        void body(ByteBuf buf, int index, int length);
    }

    private final BodySink bodySink;
    private final ByteBufAllocator alloc;
    /** Bytes kept from earlier reads, or null. */
    ByteBuf pending;
    /** Bytes of the current counted body (or chunk) still to come. */
    long remaining;

    ByteFramer(BodySink bodySink, ByteBufAllocator alloc) {
        this.bodySink = bodySink;
        this.alloc = alloc;
    }

    /** {@code data} behind the kept bytes (taking ownership of it). */
    final ByteBuf joined(ByteBuf data) {
        ByteBuf in = pending;
        if (in == null) {
            return data;
        }
        pending = null;
        in.writeBytes(data);
        data.release();
        return in;
    }

    /** Keeps the unread rest of {@code in} until more arrives; false (stop parsing this read). */
    final boolean keep(ByteBuf in) {
        pending = alloc.heapBuffer(Math.max(256, in.readableBytes() * 2));
        pending.writeBytes(in);
        return false;
    }

    void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Passes on as much of the {@link #remaining} body as {@code in} holds; true once all of it has gone. */
    final boolean passCounted(ByteBuf in) {
        int n = (int) Math.min(remaining, in.readableBytes());
        bodySink.body(in, in.readerIndex(), n);
        in.skipBytes(n);
        remaining -= n;
        return remaining == 0;
    }
}
