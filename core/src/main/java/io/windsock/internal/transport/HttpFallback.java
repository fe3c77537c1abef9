package io.windsock.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/** Serves HTTP requests outside the Engine.IO path (the client bundle, a demo's pages). Event loop thread. */
public interface HttpFallback {
    HttpFallback NONE = (ctx, request) -> false;

    /** @return whether the request was answered; otherwise it gets 404. */
    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
