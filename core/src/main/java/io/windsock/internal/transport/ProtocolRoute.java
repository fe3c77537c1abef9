package io.windsock.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Another protocol generation served under the same path (Socket.IO 0.9 under {@code <path>1/}):
 * the HTTP pipeline offers it each request under the path before Engine.IO sees it.
 */
public interface ProtocolRoute {
    /**
     * Handles the request if it is this route's. A WebSocket taken over replaces {@code ctx}'s
     * handler in the pipeline.
     *
     * @return whether the request was this route's (and is answered, or will be)
     */
    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, String path);

    /** Closes every session (the server stops). */
    void shutdown();

    /** @return how long a connection of this route may stay silent both ways, in milliseconds. */
    long idleMillis();
}
