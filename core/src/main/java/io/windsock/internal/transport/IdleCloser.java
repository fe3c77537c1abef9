package io.windsock.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections on which nothing moved for the idle period: the backstop behind the
 * heartbeats (a request whose answer never comes, half-open 0.9 WebSockets). An Engine.IO WebSocket
 * drops it at its 101, as its heartbeat watches it. Request timeouts and idle
 * keep-alive connections are {@link RequestTimeouts}' job. One handler, not Netty's idle handler and
 * a closer after it: every connection carries it, and each pipeline entry costs a context.
 *
 * <p>A long-polling request handed to its session is left alone until its answer is written: the
 * session answers a waiting GET and a POST held while reading is paused (flow control, which may
 * last longer than this period) when its heartbeat, its close or the resume says so. The same holds
 * for a Socket.IO 0.9 POST held while reading is paused; a 0.9 poll is always answered within the
 * period (its poll timeout is shorter), and a 0.9 stream writes its heartbeats.
 *
 * <p>Threading: the connection's event loop, as any handler.
 */
public final class IdleCloser extends IdleStateHandler {
    /** Whether a session owes this connection's request its answer (nothing written since). */
    private boolean sessionAnswers;

    /** @param idleMillis how long nothing may move (no read, no write completed) before the connection closes */
    public IdleCloser(long idleMillis) {
        super(0, 0, idleMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * The request read on {@code ctx}'s connection is its session's to answer: the connection is not
     * closed as idle until a response is written on it. Call on the connection's event loop, when the
     * request is handed to its session; nothing happens on a connection without an idle closer.
     */
    public static void sessionAnswers(ChannelHandlerContext ctx) {
        IdleCloser closer = ctx.pipeline().get(IdleCloser.class);
        if (closer != null) {
            closer.sessionAnswers = true;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        sessionAnswers = false; // the answer is on its way: a client that does not read it is idle again
        super.write(ctx, msg, promise);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (!sessionAnswers) {
            ctx.close();
        }
    }
}
