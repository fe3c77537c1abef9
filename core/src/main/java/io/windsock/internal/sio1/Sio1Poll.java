package io.windsock.internal.sio1;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.windsock.engine.CorsOptions;
import io.windsock.internal.transport.HttpResponses;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A waiting xhr-polling or jsonp-polling GET: answered once with what the session has (framed when
 * several), or a noop when the poll timeout passes. Session thread, except the write itself.
 */
final class Sio1Poll implements Sio1Session.Transport {
    private final String name;
    private final ChannelHandlerContext ctx;
    private final HttpResponses.RequestInfo info;
    private final CorsOptions cors;
    /** The JSONP callback index (digits only), or null for xhr-polling. */
    private final String jsonpIndex;
    /**
     * The session this poll was read for, until the poll is answered or refused: what a request read
     * behind it on its connection tells to end it ({@link #endIfWaiting}). Let go then, as the
     * connection keeps its last poll for that and must not keep a closed session with it. Written on
     * the session's thread before {@link #answered}; a stale read finds a poll that no longer waits.
     */
    private Sio1Session session;
    /** Volatile for {@link #isWritable}, asked from any thread. */
    private volatile boolean answered;
    /** Detaches this poll if its connection closes first; removed once answered (see {@link #detachOnClose}). */
    private ChannelFutureListener onConnectionClosed;

    Sio1Poll(String name, ChannelHandlerContext ctx, HttpResponses.RequestInfo info, CorsOptions cors, String jsonpIndex,
             Sio1Session session) {
        this.session = session;
        this.name = name;
        this.ctx = ctx;
        this.info = info;
        this.cors = cors;
        this.jsonpIndex = jsonpIndex;
    }

    /**
     * Runs {@code detach} if the connection closes before this poll is answered. The listener goes when
     * the poll is answered: a keep-alive connection carries one poll after another, and listeners left
     * on its close future would pile up (with the polls they hold) for as long as it lives.
     */
    void detachOnClose(Runnable detach) {
        if (answered) {
            return; // answered when attached: nothing left to detach
        }
        onConnectionClosed = f -> detach.run();
        ctx.channel().closeFuture().addListener(onConnectionClosed);
    }

    /**
     * A request waits behind this poll on its connection (answers go out in order): if it still waits,
     * it ends now with a noop. The connection's loop.
     */
    void endIfWaiting() {
        Sio1Session s = session;
        if (!answered && s != null) {
            s.endPollSoon(this);
        }
    }

    /** The session refused this poll (it was answered otherwise): it lets go of the session. Session thread. */
    void refused() {
        session = null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isWritable() {
        return !answered && ctx.channel().isActive();
    }

    @Override
    public boolean isOneShot() {
        return true;
    }

    @Override
    public void send(List<String> packets, Runnable written) {
        if (answered) {
            written.run();
            return;
        }
        session = null;
        answered = true;
        if (onConnectionClosed != null) {
            ctx.channel().closeFuture().removeListener(onConnectionClosed);
            onConnectionClosed = null; // it holds the session too
        }
        String payload = Sio1Frames.encode(packets);
        ChannelFuture sent = jsonpIndex == null
                ? HttpResponses.sendPolling(ctx, info, cors, HttpResponses.TEXT_PLAIN_VALUE, payload)
                : sendScript(ctx, info, cors, "io.j[" + jsonpIndex + "](" + Sio1Script.literal(payload) + ");");
        sent.addListener(f -> written.run());
    }

    /** A JSONP answer: a script calling the client's callback. */
    static ChannelFuture sendScript(ChannelHandlerContext ctx, HttpResponses.RequestInfo info, CorsOptions cors, String script) {
        FullHttpResponse response = HttpResponses.newResponse(HttpResponseStatus.OK,
                Unpooled.copiedBuffer(script, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/javascript; charset=UTF-8");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        // Old IE's XSS filter mangles scripts that echo query parameters; the index is digits only.
        response.headers().set("X-XSS-Protection", "0");
        HttpResponses.addCors(response.headers(), cors, info.origin());
        return HttpResponses.send(ctx, info.keepAlive(), response);
    }

    @Override
    public void close() {
        // A poll is never left open by a closing session: it is answered (0::, or empty) or detached.
    }
}
