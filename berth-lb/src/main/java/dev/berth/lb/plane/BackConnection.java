package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection from an application load balancer listener to a target, on one event
 * loop: it serves one {@link ProxyExchange} at a time and waits in its {@link HttpListener.LoopPool}
 * in between. Responses are written to the client without a flush per message; the flush comes
 * when the read batch from the target ends. Reading pauses while the client cannot take more
 * bytes. Silence for the idle timeout is a 504 during an exchange and a close when idle in the
 * pool; after a WebSocket upgrade it relays bytes to the client.
 */
final class BackConnection extends ChannelInboundHandlerAdapter {

    final HttpListener.LoopPool pool;
    final Backend backend;
    Channel channel;
    ProxyExchange exchange;
    /** The client connection of the current exchange (or of the tunnel). */
    Channel client;
    /** Whether the current response allows reusing the connection. */
    boolean keepAlive;
    boolean tunnel;
    private boolean informational;
    private boolean reading;
    private Channel flushLater;

    BackConnection(HttpListener.LoopPool pool, Backend backend) {
        this.pool = pool;
        this.backend = backend;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ProxyExchange ex = exchange;
        if (tunnel) {
            if (msg instanceof ByteBuf && client != null) {
                writeToClient(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (ex == null) {
            ReferenceCountUtil.release(msg);
            channel.close();
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                ex.fail(r.decoderResult().cause());
                return;
            }
            int status = r.status().code();
            if (status == 101 && ex.webSocket) {
                ex.upgraded(r);
                return;
            }
            if (status >= 100 && status < 200) {
                informational = true; // 100 Continue and the like: passed on, the final response follows
                writeToClient(r);
            } else {
                ex.response(r);
            }
        }
        if (msg instanceof HttpContent c) {
            boolean last = c instanceof LastHttpContent;
            if (c.decoderResult().isFailure()) {
                c.release();
                ex.fail(c.decoderResult().cause());
            } else if (informational) {
                informational = !last;
                writeToClient(c);
            } else {
                ex.responseContent(c, last);
            }
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Writes to the client; flushed when this read batch ends, or now outside one. */
    void writeToClient(Object msg) {
        Channel client = this.client;
        if (reading) {
            client.write(msg, client.voidPromise());
            flushLater = client;
        } else {
            client.writeAndFlush(msg, client.voidPromise());
        }
        if (!client.isWritable()) {
            channel.config().setAutoRead(false);
        }
    }

    void resume() {
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        Channel f = flushLater;
        if (f != null) {
            flushLater = null;
            f.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange ex = exchange;
        if (channel.isWritable() && ex != null) {
            ex.front.resume(FrontConnection.TARGET_BUSY);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.forget(this);
        ProxyExchange ex = exchange;
        exchange = null;
        if (ex != null && !tunnel) {
            ex.fail(null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ProxyExchange ex = exchange;
            exchange = null;
            if (ex != null && !tunnel) {
                ex.timeout();
            }
            channel.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        channel.close();
    }
}
