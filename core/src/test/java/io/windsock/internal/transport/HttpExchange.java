package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.CorsOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Requests through the real routing handler in an {@link EmbeddedChannel}, no sockets. */
final class HttpExchange {
    private HttpExchange() {
    }

    static TransportConfig config(String path, CorsOptions cors, HttpFallback fallback, ClientBundle bundle) {
        return new TransportConfig(path, EngineOptions.DEFAULT, cors, AllowRequest.ALL, false, false, fallback, bundle);
    }

    /** Sends one request (headers alternate name, value) and returns the copied response. */
    static Response send(TransportConfig config, HttpMethod method, String uri, String... headers) {
        EngineServer engine = new EngineServer(config.engine(), session -> { });
        EmbeddedChannel channel = new EmbeddedChannel(new EngineHttpHandler(config, engine));
        try {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER);
            for (int i = 0; i < headers.length; i += 2) {
                request.headers().add(headers[i], headers[i + 1]);
            }
            channel.writeInbound(request);
            FullHttpResponse response = channel.readOutbound();
            assertNotNull(response, "no response to " + method + " " + uri);
            try {
                byte[] body = new byte[response.content().readableBytes()];
                response.content().getBytes(response.content().readerIndex(), body);
                return new Response(response.status().code(), response.headers().get("content-type"),
                        response.headers().get("content-length"), response.headers().get("etag"),
                        response.headers().get("cache-control"), response.headers().get("access-control-allow-origin"),
                        body, headersOf(response));
            } finally {
                response.release();
            }
        } finally {
            channel.finishAndReleaseAll();
            engine.shutdown();
        }
    }

    private static Map<String, String> headersOf(FullHttpResponse response) {
        Map<String, String> all = new java.util.TreeMap<>();
        for (Map.Entry<String, String> header : response.headers()) {
            all.merge(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
        }
        return all;
    }

    /** Writes files (name to text) below a folder, creating parents. */
    static Path write(Path root, Map<String, String> files) throws Exception {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = root.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        return root;
    }

    /** @param headers every response header, names lower-case, values of repeated names joined by ", " */
    record Response(int status, String contentType, String contentLength, String etag, String cacheControl,
                    String allowOrigin, byte[] body, Map<String, String> headers) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
