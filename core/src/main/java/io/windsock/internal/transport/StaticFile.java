package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.engine.CorsOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * A file held in memory and served with an entity tag: GET and HEAD, {@code 304 Not Modified} when
 * the client's {@code If-None-Match} names the tag. Immutable; the bytes are shared, never written.
 *
 * @param content     the bytes
 * @param contentType the {@code Content-Type} value
 * @param etag        the quoted entity tag, e.g. {@code "4.8.4"}
 */
record StaticFile(byte[] content, String contentType, String etag) {
    private static final String TEXT = "; charset=utf-8";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html" + TEXT),
            Map.entry("htm", "text/html" + TEXT),
            Map.entry("css", "text/css" + TEXT),
            Map.entry("js", "text/javascript" + TEXT),
            Map.entry("mjs", "text/javascript" + TEXT),
            Map.entry("json", "application/json" + TEXT),
            Map.entry("map", "application/json" + TEXT),
            Map.entry("txt", "text/plain" + TEXT),
            Map.entry("xml", "application/xml" + TEXT),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"));

    /** A file whose type follows its name's extension and whose tag is a digest of its bytes. */
    static StaticFile of(String name, byte[] content) {
        return new StaticFile(content, contentTypeOf(name), "\"" + digest(content) + "\"");
    }

    /** @return the content type for a file name, {@code application/octet-stream} when unknown. */
    static String contentTypeOf(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /**
     * Answers a GET or HEAD request with this file, or with 304 when {@code If-None-Match} matches.
     *
     * @param cacheControl the {@code Cache-Control} value
     * @param cors         CORS settings for the response headers, or {@code null}
     */
    void send(ChannelHandlerContext ctx, HttpRequest request, String cacheControl, CorsOptions cors) {
        boolean notModified = matches(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        boolean withBody = !notModified && request.method() != HttpMethod.HEAD;
        ByteBuf body = withBody ? Unpooled.wrappedBuffer(content) : Unpooled.EMPTY_BUFFER;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.ETAG, etag);
        headers.set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        if (!notModified) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
            headers.set("x-content-type-options", "nosniff");
            // A HEAD answer has no body but tells the length a GET would have.
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        } else {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        HttpResponses.addCors(headers, cors, request.headers().get(HttpHeaderNames.ORIGIN));
        if (HttpUtil.isKeepAlive(request)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** If-None-Match: {@code *}, or a comma-separated list of tags, weak ({@code W/"..."}) or strong. */
    boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String digest(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
