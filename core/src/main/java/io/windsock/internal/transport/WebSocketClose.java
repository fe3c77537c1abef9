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
     * in Node, after which it destroys the socket.
     */
    public static final long WRITE_TIMEOUT_MILLIS = 30_000;
    /** How long a written close frame waits for the client's close frame. */
    public static final long REPLY_TIMEOUT_MILLIS = 5_000;

    private WebSocketClose() {
    }

    /** Writes {@code frame} and closes the channel when answered or at a deadline. Any thread. */
    public static void start(Channel channel, CloseWebSocketFrame frame) {
        ScheduledFuture<?> unwritten = channel.eventLoop().schedule(() -> {
            channel.close();
        }, WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> unwritten.cancel(false));
        channel.writeAndFlush(frame).addListener(written -> {
            unwritten.cancel(false);
            if (!written.isSuccess()) {
                channel.close();
                return;
            }
            ScheduledFuture<?> unanswered = channel.eventLoop().schedule(() -> {
                channel.close();
            }, REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed -> unanswered.cancel(false));
        });
    }
}
