package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.windsock.engine.CorsOptions;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Writes complete HTTP responses with CORS and keep-alive handled. Safe from any thread. */
public final class HttpResponses {
    public static final String TEXT_PLAIN = "text/plain; charset=UTF-8";
    static final String JSON = "application/json";
    /** {@link #TEXT_PLAIN} as the bytes a header holds: no conversion or check per response. */
    public static final AsciiString TEXT_PLAIN_VALUE = AsciiString.cached(TEXT_PLAIN);
    /** The content type of the "ok" to an Engine.IO POST, as the reference sends it. */
    public static final AsciiString TEXT_HTML_VALUE = AsciiString.cached("text/html");
    /**
     * Values validated, as Netty's default (some come from the request: the Origin that CORS echoes);
     * names not: every name these responses carry is one of Windsock's constants, and checking each
     * one's characters was 3 % of a long-polling request's time.
     */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);
    /** Content-Length values of small bodies (polling answers are mostly a few bytes), made once. */
    private static final AsciiString[] SMALL_LENGTHS = new AsciiString[256];

    static {
        for (int i = 0; i < SMALL_LENGTHS.length; i++) {
            SMALL_LENGTHS[i] = AsciiString.cached(Integer.toString(i));
        }
    }

    private HttpResponses() {
    }

    /**
     * A complete response without trailers: the trailing headers are the shared empty ones, which
     * a response with a Content-Length never writes, instead of a header map made per response.
     */
    public static FullHttpResponse newResponse(HttpResponseStatus status, ByteBuf content) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, HEADERS.newHeaders(),
                EmptyHttpHeaders.INSTANCE);
    }

    /**
     * What a response needs to know about the request it answers.
     *
     * @param moreHeaders adds the application's headers to a polling response (see {@link ResponseHeaderHooks}),
     *                    or null
     */
    public record RequestInfo(boolean keepAlive, String origin, Consumer<HttpHeaders> moreHeaders) {
        public RequestInfo(boolean keepAlive, String origin) {
            this(keepAlive, origin, null);
        }

        public static RequestInfo of(io.netty.handler.codec.http.HttpRequest request) {
            return new RequestInfo(io.netty.handler.codec.http.HttpUtil.isKeepAlive(request),
                    request.headers().get(HttpHeaderNames.ORIGIN));
        }

        /** @return this, whose polling responses get {@code more} headers last */
        RequestInfo withMoreHeaders(Consumer<HttpHeaders> more) {
            return new RequestInfo(keepAlive, origin, more);
        }
    }

    public static void send(ChannelHandlerContext ctx, RequestInfo request, CorsOptions cors, HttpResponseStatus status,
                     String contentType, String body) {
        ByteBuf content = body.isEmpty() ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        send(ctx, request, cors, status, contentType, content);
    }

    /**
     * Sends a response with this body (released by the write).
     *
     * @return completes once the response is written to the network, or failed
     */
    public static ChannelFuture send(ChannelHandlerContext ctx, RequestInfo request, CorsOptions cors,
                              HttpResponseStatus status, String contentType, ByteBuf content) {
        FullHttpResponse response = newResponse(status, content);
        HttpHeaders headers = response.headers();
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        addCors(headers, cors, request.origin());
        return send(ctx, request.keepAlive(), response);
    }

    /**
     * A 200 of the polling transport (a payload, or the "ok" to a POST), marked {@code cache-control:
     * no-store} as the reference marks them: a cached poll would replay another moment's packets.
     */
    public static ChannelFuture sendPolling(ChannelHandlerContext ctx, RequestInfo request, CorsOptions cors,
                                     CharSequence contentType, String body) {
        return sendPolling(ctx, request, cors, contentType,
                body.isEmpty() ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** {@link #sendPolling(ChannelHandlerContext, RequestInfo, CorsOptions, CharSequence, String)} with a body to release. */
    public static ChannelFuture sendPolling(ChannelHandlerContext ctx, RequestInfo request, CorsOptions cors,
                                     CharSequence contentType, ByteBuf content) {
        return sendPolling(ctx, request, cors, contentType, content, null);
    }

    /** As above, with a {@code Set-Cookie} header when {@code setCookie} is not null. */
    public static ChannelFuture sendPolling(ChannelHandlerContext ctx, RequestInfo request, CorsOptions cors,
                                     CharSequence contentType, ByteBuf content, String setCookie) {
        FullHttpResponse response = newResponse(HttpResponseStatus.OK, content);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (setCookie != null) {
            headers.set(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        addCors(headers, cors, request.origin());
        if (request.moreHeaders() != null) {
            request.moreHeaders().accept(headers); // last but the framing, as engine.io's listeners see them
        }
        return send(ctx, request.keepAlive(), response);
    }

    public static ChannelFuture send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        int length = response.content().readableBytes();
        if (length < SMALL_LENGTHS.length) {
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, SMALL_LENGTHS[length]);
        } else {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            // A failed write closes the connection. Not through exceptionCaught: a poll's answer may be
            // written from the session's loop after the connection closed and lost its handlers, where
            // the exception would reach the pipeline's tail as a WARN.
            return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    public static void addCors(HttpHeaders headers, CorsOptions cors, String origin) {
        if (cors == null) {
            return;
        }
        String allowOrigin = cors.allowOriginFor(origin);
        if (!"*".equals(allowOrigin)) {
            // The answer depends on the Origin, refused ones included: a cache must not serve one
            // origin's answer (without the header) to another (as the cors package does).
            headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        if (allowOrigin == null) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        if (cors.credentials()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!cors.exposedHeaders().isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(",", cors.exposedHeaders()));
        }
    }

    /** Answers a CORS preflight with 204. */
    public static void preflight(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest request, CorsOptions cors) {
        FullHttpResponse response = newResponse(HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = response.headers();
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        addCors(headers, cors, origin);
        if (cors.allowOriginFor(origin) != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(",", cors.methods()));
            String asked = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
            String allowed = cors.allowedHeaders() != null ? String.join(",", cors.allowedHeaders()) : asked;
            if (allowed != null && !allowed.isEmpty()) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowed);
                if (cors.allowedHeaders() == null) {
                    headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
                }
            }
            if (cors.maxAge() != null) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, cors.maxAge().toSeconds());
            }
        }
        send(ctx, io.netty.handler.codec.http.HttpUtil.isKeepAlive(request), response);
    }
}
