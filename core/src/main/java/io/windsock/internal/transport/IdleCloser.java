package io.windsock.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes connections on which nothing moved for the idle period: the backstop behind the engine's
 * heartbeat (half-open WebSockets, a request whose answer never comes). Request timeouts and idle
 * keep-alive connections are {@link RequestTimeouts}' job.
 */
@ChannelHandler.Sharable
final class IdleCloser extends ChannelInboundHandlerAdapter {
    static final IdleCloser INSTANCE = new IdleCloser();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, event);
        }
    }
}
