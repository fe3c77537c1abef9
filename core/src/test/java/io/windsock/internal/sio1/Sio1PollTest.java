package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.windsock.internal.transport.HttpResponses;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A poll's hold on its connection: released once answered, so polls on a keep-alive connection do not pile up. */
class Sio1PollTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    private final HttpResponses.RequestInfo info = HttpResponses.RequestInfo.of(
            new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/socket.io/1/xhr-polling/x"));

    @Test
    void aPollWhoseConnectionClosesFirstIsDetached() {
        AtomicInteger detached = new AtomicInteger();
        new Sio1Poll("xhr-polling", ctx, info, null, null, null).detachOnClose(detached::incrementAndGet);
        channel.close();
        assertEquals(1, detached.get());
    }

    @Test
    void answeredPollsLeaveNothingOnTheirKeepAliveConnection() {
        AtomicInteger detached = new AtomicInteger();
        for (int i = 0; i < 1_000; i++) {
            Sio1Poll poll = new Sio1Poll("xhr-polling", ctx, info, null, null, null);
            if (i % 2 == 0) {
                poll.detachOnClose(detached::incrementAndGet); // waiting, then answered
                poll.send(List.of("8::"), () -> { });
            } else {
                poll.send(List.of("8::"), () -> { }); // answered when attached, then watched
                poll.detachOnClose(detached::incrementAndGet);
            }
            ReferenceCountUtil.release(channel.readOutbound());
        }
        channel.close();
        assertEquals(0, detached.get(), "every answered poll's close listener was left on the connection");
    }
}
