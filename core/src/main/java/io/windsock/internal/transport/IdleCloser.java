package io.windsock.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections on which nothing moved for the idle period: the backstop behind the
 * heartbeats (a request whose answer never comes, half-open 0.9 WebSockets). An Engine.IO WebSocket
 * drops it at its 101, as its heartbeat watches it. Request timeouts and idle
 * keep-alive connections are {@link RequestTimeouts}' job. One handler, not Netty's idle handler and
 * a closer after it: every connection carries it, and each pipeline entry costs a context.
 */
final class IdleCloser extends IdleStateHandler {
    IdleCloser(long idleMillis) {
        super(0, 0, idleMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        ctx.close();
    }
}
