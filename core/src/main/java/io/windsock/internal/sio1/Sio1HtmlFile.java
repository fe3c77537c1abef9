package io.windsock.internal.sio1;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.windsock.engine.CorsOptions;
import io.windsock.internal.transport.HttpResponses;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The htmlfile transport (old IE's "forever iframe"): one chunked text/html response that stays
 * open, a {@code <script>} per batch calling the client's {@code _}. Session thread, except writes.
 */
final class Sio1HtmlFile implements Sio1Session.Transport {
    /** The page's start; then padding, since IE renders nothing of a document's first 256 bytes. */
    static final String PREAMBLE = "<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>"
            + " ".repeat(174);

    private final ChannelHandlerContext ctx;
    /** Volatile for {@link #isWritable}, asked from any thread. */
    private volatile boolean open = true;

    Sio1HtmlFile(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Writes the response head and the preamble, and resumes {@code session}'s writing whenever the
     * connection becomes writable again. The connection's thread.
     */
    void start(HttpResponses.RequestInfo info, CorsOptions cors, Sio1Session session) {
        ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext c) {
                if (c.channel().isWritable()) {
                    session.scheduler().execute(session::flushNow);
                }
                c.fireChannelWritabilityChanged();
            }
        });
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpResponses.addCors(response.headers(), cors, info.origin());
        ctx.write(response);
        ctx.writeAndFlush(chunk(PREAMBLE));
    }

    @Override
    public String name() {
        return "htmlfile";
    }

    @Override
    public boolean isWritable() {
        return open && ctx.channel().isActive() && ctx.channel().isWritable();
    }

    @Override
    public boolean isOneShot() {
        return false;
    }

    @Override
    public void send(List<String> packets, Runnable written) {
        if (!open) {
            written.run();
            return;
        }
        // Counted against the session's bound until written. Past Netty's high-water mark the session
        // stops handing batches over (isWritable) and holds them, counted, until the reader catches up.
        ctx.writeAndFlush(chunk("<script>_(" + Sio1Script.literal(Sio1Frames.encode(packets)) + ");</script>"))
                .addListener(f -> written.run());
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static DefaultHttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
