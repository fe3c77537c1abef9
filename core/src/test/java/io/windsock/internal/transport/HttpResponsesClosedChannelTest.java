package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * A poll's answer may be written from the session's loop after the client's connection closed and its
 * pipeline was taken down (the poll held on another loop): the failed write must end quietly, not as
 * an exception that reaches the pipeline's tail (Netty's WARN "An exceptionCaught() event was fired,
 * and it reached at the tail of the pipeline").
 */
class HttpResponsesClosedChannelTest {
    @Test
    void aKeepAliveAnswerToAClosedConnectionFailsQuietly() {
        ChannelHandlerContext[] held = new ChannelHandlerContext[1];
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                held[0] = ctx;
            }
        });
        channel.close().syncUninterruptibly();
        channel.runPendingTasks(); // deregistered: the pipeline's handlers are gone

        ChannelFuture written = HttpResponses.send(held[0], true,
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(new byte[] {'6'})));
        channel.runPendingTasks();

        assertFalse(written.isSuccess());
        assertDoesNotThrow(channel::checkException, "the failed write reached the pipeline's tail");
    }
}
