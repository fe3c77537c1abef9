package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP timeouts of a connection whose request the aggregator refuses for its size (413) before
 * its body has arrived, on a keep-alive connection that stays open: the refused request is not owed
 * an answer once its body ends, so the keep-alive and headers timeouts go on as for any other. The
 * pipeline is the server's (the timeouts around the HTTP codec, the aggregator, a handler answering
 * 200) in an {@link EmbeddedChannel} whose clock the test moves.
 */
class RequestTimeoutsTest {
    private static final int MAX_BODY = 1000;
    private static final Duration HEADERS = Duration.ofSeconds(3);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

    private final MockTicker clock = Ticker.newMockTicker();
    private final EmbeddedChannel channel;

    RequestTimeoutsTest() {
        HttpServerSettings d = HttpServerSettings.DEFAULTS;
        RequestTimeouts timeouts = new RequestTimeouts(new HttpServerSettings(HEADERS, Duration.ofSeconds(20),
                KEEP_ALIVE, d.maxConnections(), null, true, d.transports()), 1 << 20);
        channel = EmbeddedChannel.builder().ticker(clock).handlers(timeouts.bytes(), new HttpServerCodec(),
                timeouts.messages(), new HttpObjectAggregator(MAX_BODY), new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        HttpResponses.send(ctx, HttpResponses.RequestInfo.of(request), null, HttpResponseStatus.OK,
                                HttpResponses.TEXT_PLAIN, "ok");
                    }
                }).build();
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void afterA413OnAKeepAliveConnectionItClosesAtTheKeepAliveTimeout() {
        sendTooLargeWithItsBody();
        elapse(KEEP_ALIVE.toMillis() - 1);
        assertTrue(channel.isActive(), "closed before the keep-alive timeout");
        elapse(1);
        assertFalse(channel.isActive(), "idle after the refused request: closed at the keep-alive timeout");
    }

    @Test
    void afterA413TheNextRequestIsAnsweredAndTheConnectionStillClosesAtTheKeepAliveTimeout() {
        sendTooLargeWithItsBody();
        write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(readAll().startsWith("HTTP/1.1 200 "));
        elapse(KEEP_ALIVE.toMillis());
        assertFalse(channel.isActive(), "not owed a second answer for the refused request");
    }

    @Test
    void afterA413HeadersThatDoNotArriveInTimeGetA408() {
        sendTooLargeWithItsBody();
        write("GET /a HTTP/1.1\r\nHo"); // a slow client's next request
        elapse(HEADERS.toMillis());
        assertTrue(readAll().startsWith("HTTP/1.1 408 "), "answered, not just closed: nothing else is owed");
        assertFalse(channel.isActive());
    }

    /** A keep-alive POST over the aggregator's limit, refused with 413 at its headers, then its body. */
    private void sendTooLargeWithItsBody() {
        int length = 20 * MAX_BODY;
        write("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
        String refusal = readAll();
        assertTrue(refusal.startsWith("HTTP/1.1 413 "), refusal);
        assertTrue(channel.isActive(), "a keep-alive request without a body yet: the connection stays");
        for (int sent = 0; sent < length; sent += MAX_BODY) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[MAX_BODY]));
        }
        channel.runPendingTasks();
        assertTrue(channel.isActive());
    }

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
    }

    /** What the server wrote since the last call, as text. */
    private String readAll() {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return out.toString();
    }

    /** Moves the connection's clock on and runs the timers due. */
    private void elapse(long millis) {
        clock.advance(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }
}
