package io.windsock.internal.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server's WebSocket close: the close frame goes out behind every frame written before it, then the
 * connection closes when the client answers with its own close frame (RFC 6455; closing first could
 * turn unread client data into a reset that destroys what was just sent), or at a deadline: a client
 * that reads nothing never lets the close frame out, and one that never answers never ends it.
 */
public final class WebSocketClose {
    /**
     * How long the close frame may wait to be written, from the close: as {@code ws}'s close timeout
     * in Node, after which it destroys the socket. A handshake's {@code 101} has as long.
     */
    public static final long WRITE_TIMEOUT_MILLIS = 30_000;
    /** How long a written close frame waits for the client's close frame. */
    public static final long REPLY_TIMEOUT_MILLIS = 5_000;

    private WebSocketClose() {
    }

    /** Writes {@code frame} and closes the channel when answered or at a deadline. Any thread. */
    public static void start(Channel channel, CloseWebSocketFrame frame) {
        send(channel, frame, true);
    }

    /**
     * Writes {@code frame}, the connection's last word (the echo of the client's close frame, or the
     * refusal of a message it sent), and closes the channel once it is written, or at the write
     * deadline: as {@code ws} arms its close timeout for every close frame it sends. Any thread.
     */
    public static void finish(Channel channel, CloseWebSocketFrame frame) {
        send(channel, frame, false);
    }

    /**
     * Closes the channel in {@link #WRITE_TIMEOUT_MILLIS} unless it closes before: the bound on a
     * close already under way whose last write may never complete. Any thread.
     */
    public static void closeByWriteDeadline(Channel channel) {
        closeAfter(channel, WRITE_TIMEOUT_MILLIS);
    }

    private static void send(Channel channel, CloseWebSocketFrame frame, boolean awaitReply) {
        ScheduledFuture<?> unwritten = closeAfter(channel, WRITE_TIMEOUT_MILLIS);
        channel.writeAndFlush(frame).addListener(written -> {
            unwritten.cancel(false);
            if (!written.isSuccess() || !awaitReply) {
                channel.close();
                return;
            }
            closeAfter(channel, REPLY_TIMEOUT_MILLIS);
        });
    }

    /** Closes the channel after {@code millis} unless it closes before. */
    static ScheduledFuture<?> closeAfter(Channel channel, long millis) {
        ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
            channel.close();
        }, millis, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
        return deadline;
    }
}
