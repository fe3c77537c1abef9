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
import io.netty.util.AsciiString;
import io.windsock.engine.CorsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A file held in memory and served with an entity tag: GET and HEAD, {@code 304 Not Modified} when
 * the client's {@code If-None-Match} names the tag. Immutable; the bytes are shared, never written.
 *
 * <p>A text file of 1 KB or more is also held gzip-compressed, compressed once when loaded, and sent
 * so to clients that accept gzip (with its own tag). The server's response compressor leaves answers
 * with a tag alone ({@link ResponseCompressor}): it compressed each again, on the network thread (40 ms
 * for the client bundle's source map), as often as a client asked.
 *
 * @param content     the bytes
 * @param contentType the {@code Content-Type} value
 * @param etag        the quoted entity tag, e.g. {@code "4.8.4"}
 * @param gzipped     the bytes gzip-compressed, or null when not worth it (small, or not text)
 */
record StaticFile(byte[] content, String contentType, String etag, byte[] gzipped) {
    /** As Netty's response compressor: smaller bodies are not worth compressing. */
    static final int GZIP_THRESHOLD = 1024;
    private static final AsciiString GZIP_VARY = AsciiString.cached("accept-encoding");
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

    /** A file of this type and tag, held compressed too when that is worth it. */
    StaticFile(byte[] content, String contentType, String etag) {
        this(content, contentType, etag, gzipIfWorthIt(content, contentType));
    }

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
        boolean gzip = gzipped != null && acceptsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
        byte[] bytes = gzip ? gzipped : content;
        String tag = gzip ? gzipTag() : etag;
        boolean notModified = matches(request.headers().get(HttpHeaderNames.IF_NONE_MATCH), tag);
        boolean withBody = !notModified && request.method() != HttpMethod.HEAD;
        ByteBuf body = withBody ? Unpooled.wrappedBuffer(bytes) : Unpooled.EMPTY_BUFFER;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.ETAG, tag);
        headers.set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        if (gzipped != null) {
            headers.set(HttpHeaderNames.VARY, GZIP_VARY);
        }
        if (gzip) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        if (!notModified) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
            headers.set("x-content-type-options", "nosniff");
            // A HEAD answer has no body but tells the length a GET would have.
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
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

    /** @return the tag of the compressed form: the file's, marked */
    String gzipTag() {
        return etag.substring(0, etag.length() - 1) + "-gzip\"";
    }

    /** If-None-Match against the file's own tag. */
    boolean matches(String ifNoneMatch) {
        return matches(ifNoneMatch, etag);
    }

    /** If-None-Match: {@code *}, or a comma-separated list of tags, weak ({@code W/"..."}) or strong. */
    private static boolean matches(String ifNoneMatch, String etag) {
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

    /** Accept-Encoding names gzip (or x-gzip, or *) with a weight above 0. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String item : acceptEncoding.split(",")) {
            int semi = item.indexOf(';');
            String coding = (semi < 0 ? item : item.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
            if (coding.equals("gzip") || coding.equals("x-gzip") || coding.equals("*")) {
                return semi < 0 || weight(item.substring(semi + 1)) > 0;
            }
        }
        return false;
    }

    /** The q of {@code q=0.5}; 1 when absent, 0 when unreadable. */
    private static double weight(String parameters) {
        for (String parameter : parameters.split(";")) {
            String p = parameter.trim();
            if (p.startsWith("q=") || p.startsWith("Q=")) {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    private static byte[] gzipIfWorthIt(byte[] content, String contentType) {
        boolean text = contentType.startsWith("text/") || contentType.contains("json")
                || contentType.contains("javascript") || contentType.contains("xml") || contentType.equals("application/wasm");
        if (!text || content.length < GZIP_THRESHOLD) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 3);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: not expected
        }
        byte[] compressed = out.toByteArray();
        return compressed.length < content.length * 9L / 10 ? compressed : null;
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
