package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection from an application load balancer listener to a target, on one event
 * loop: it serves one {@link ProxyExchange} at a time and waits in its {@link HttpListener.LoopPool}
 * in between. It reads raw bytes; its {@link ResponseFramer} finds the responses in them.
 *
 * <p>What goes to the client during one read from the target is gathered
 * ({@link PlaneConnection#emit}) and written once per read. Reading pauses while the client
 * cannot take more bytes. Silence for the idle timeout is a 504 during an exchange and a close when
 * idle in the pool; after a WebSocket upgrade the connection relays bytes to the client.
 */
final class BackConnection extends PlaneConnection implements ResponseFramer.Sink {

    final HttpListener.LoopPool pool;
    final Backend backend;
    ResponseFramer framer;
    ProxyExchange exchange;
    /** The client connection of the current exchange (or of the tunnel). */
    FrontConnection client;

    boolean tunnel;

    BackConnection(HttpListener.LoopPool pool, Backend backend) {
        this.pool = pool;
        this.backend = backend;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        framer = new ResponseFramer(this, ctx.alloc());
        backend.attach(channel); // closed when the backend's drain ends, even while idle in a pool
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startIdleTimer(pool.targetIdleNanos());
        ctx.fireChannelActive();
    }

    @Override
    void read(Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (tunnel) {
            if (client != null) {
                sendToClient(bytes);
            } else {
                bytes.release();
            }
            return;
        }
        if (exchange == null || !framer.expecting()) {
            bytes.release(); // a target speaking out of turn cannot be trusted with the next request
            channel.close();
            return;
        }
        framer.feed(bytes);
        flushOut();
    }

    @Override
    PlaneConnection outTo() {
        return client;
    }

    @Override
    boolean holdOut() {
        return false;
    }

    @Override
    void forward(ByteBuf bytes) {
        sendToClient(bytes);
    }

    private void sendToClient(ByteBuf b) {
        FrontConnection c = client;
        send(c, b);
        if (!c.channel.isWritable()) {
            channel.config().setAutoRead(false);
        }
    }

    void resume() {
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    // ---- what the framer finds ------------------------------------------------------------------

    @Override
    public void head(ResponseHead head) {
        ProxyExchange ex = exchange;
        if (ex != null) {
            ex.response(head);
        }
    }

    @Override
    public void informational(ByteBuf buf, int index, int length) {
        ProxyExchange ex = exchange;
        if (ex != null) {
            ex.informational(buf, index, length);
        }
    }

    @Override
    public void upgraded(ByteBuf buf, int index, int length) {
        ProxyExchange ex = exchange;
        if (ex != null) {
            ex.upgraded(buf, index, length);
        }
    }

    @Override
    public void body(ByteBuf buf, int index, int length) {
        ProxyExchange ex = exchange;
        if (tunnel) {
            if (client != null) {
                emit(buf, index, length);
            }
        } else if (ex != null) {
            ex.responseBody(buf, index, length);
        }
    }

    @Override
    public void end(boolean reusable) {
        ProxyExchange ex = exchange;
        if (ex != null) {
            ex.responseEnd(reusable);
        }
    }

    @Override
    public void malformed(String why) {
        ProxyExchange ex = exchange;
        flushOut();
        if (ex != null) {
            ex.fail(null);
        } else {
            channel.close();
        }
    }

    // ---- channel events -------------------------------------------------------------------------

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange ex = exchange;
        if (channel.isWritable() && ex != null) {
            ex.front.resume(FrontConnection.TARGET_BUSY);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopIdleTimer();
        pool.forget(this);
        flushOut();
        if (framer.closed()) {
            return; // that ended a body read until close
        }
        ProxyExchange ex = exchange;
        exchange = null;
        if (ex != null && !tunnel) {
            ex.fail(null);
        }
    }

    @Override
    void idle() {
        ProxyExchange ex = exchange;
        exchange = null;
        if (ex != null && !tunnel) {
            ex.timeout();
        }
        channel.close();
    }
}
