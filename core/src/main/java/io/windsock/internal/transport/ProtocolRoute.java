package io.windsock.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.windsock.internal.engine.EngineScheduler;
import java.util.function.Predicate;

/**
 * Another protocol generation served under the same path (Socket.IO 0.9 under {@code <path>1/}):
 * the HTTP pipeline offers it each request under the path before Engine.IO sees it.
 */
public interface ProtocolRoute {
    /**
     * Handles the request if it is this route's. A WebSocket taken over replaces {@code ctx}'s
     * handler in the pipeline.
     *
     * @param path the request's path as sent (escapes not decoded, as Node matches the URL), without the query
     * @return whether the request was this route's (and is answered, or will be)
     */
    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, String path);

    /**
     * A request read on {@code ctx}'s connection waits for the answer to the one being answered there
     * (answers go out in the order of the requests): if that one is this route's and its answer is
     * held (a long poll), it should be answered now, so that what waits behind it is read. Called on
     * the connection's event loop; a request handled after this call asks
     * {@link RequestTimeouts#requestWaiting()} instead.
     */
    default void requestWaiting(ChannelHandlerContext ctx) {
    }

    /**
     * The server is bound: start what this route runs beside it (e.g. a listener on another port),
     * on the server's event loops.
     *
     * @param channelClass the server channel class that fits those loops (NIO, epoll or io_uring)
     * @param serverPort the port the server was bound to
     * @param admit counts a connection accepted there against the server's {@code maxConnections}
     *              until it closes; false: the server is at its cap, close the connection at once
     * @throws java.io.UncheckedIOException when a port cannot be listened on ({@link HttpServer#listen});
     *                                      {@link #shutdown} follows any failure
     */
    default void start(io.netty.channel.EventLoopGroup boss, io.netty.channel.EventLoopGroup workers,
                       Class<? extends io.netty.channel.ServerChannel> channelClass, String host,
                       int serverPort, Predicate<Channel> admit) throws InterruptedException {
    }

    /** Closes every session and what {@link #start} started (the server stops). */
    void shutdown();

    /**
     * Closes, as failures of their transport, the sessions that live on these threads (a network
     * thread that died of an error). Any thread.
     *
     * @return how many were closed
     */
    default int closeSessionsOn(Predicate<EngineScheduler> threads) {
        return 0;
    }

    /** @return how long a connection of this route may stay silent both ways, in milliseconds. */
    long idleMillis();
}
