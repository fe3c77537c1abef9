package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/**
 * Hands the bytes a client sent right behind its upgrade request, in the same read, to the frame
 * decoder. The HTTP codec holds them when the handshake removes it and passes them on to the
 * handlers after it, which the frame decoder is not; Node's {@code ws} gives such bytes (its
 * {@code head}) to the new socket too. In the pipeline only during the handshake.
 */
final class UpgradeLeftovers extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        ChannelHandlerContext decoder = ctx.pipeline().context(WebSocketFrameDecoder.class);
        if (msg instanceof ByteBuf && decoder != null) {
            ((ChannelInboundHandler) decoder.handler()).channelRead(decoder, msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
