package io.windsock.internal.transport;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.HEAD;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.transport.HttpExchange.Response;
import io.windsock.engine.CorsOptions;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientBundleTest {
    private static final String JS = "/* the client */ window.io = function () {};";
    private static final String JS_TYPE = "application/javascript; charset=utf-8";

    @TempDir
    Path dir;

    private ClassLoader classpath(Map<String, String> files) throws Exception {
        HttpExchange.write(dir, files);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    private ClassLoader fullBundle() throws Exception {
        return classpath(Map.of(
                "io/windsock/client/socket.io.js", JS,
                "io/windsock/client/socket.io.js.map", "{\"version\":3}",
                "io/windsock/client/socket.io.min.js", "min",
                "io/windsock/client/package.json", "{\"name\":\"socket.io-client\",\"version\":\"4.8.4\"}"));
    }

    private TransportConfig serving(ClassLoader loader, String path, CorsOptions cors) {
        return HttpExchange.config(path, cors, HttpFallback.NONE, ClientBundle.load(loader, path, cors));
    }

    @Test
    void servesTheBundleLikeTheNodeServer() throws Exception {
        Response response = HttpExchange.send(serving(fullBundle(), "/socket.io/", null), GET,
                "/socket.io/socket.io.js?v=2");
        assertEquals(200, response.status());
        assertEquals(JS, response.text());
        assertEquals(JS_TYPE, response.contentType());
        assertEquals("\"4.8.4\"", response.etag());
        assertEquals("public, max-age=0", response.cacheControl());
        assertEquals(String.valueOf(JS.length()), response.contentLength());
    }

    @Test
    void servesSourceMapsAsJson() throws Exception {
        Response response = HttpExchange.send(serving(fullBundle(), "/socket.io/", null), GET,
                "/socket.io/socket.io.js.map");
        assertEquals(200, response.status());
        assertEquals("application/json; charset=utf-8", response.contentType());
        assertEquals("{\"version\":3}", response.text());
    }

    @Test
    void servesTheTwoXClientAtItsOwnPathWithItsOwnVersion() throws Exception {
        TransportConfig config = serving(classpath(Map.of(
                "io/windsock/client/socket.io.js", JS,
                "io/windsock/client/package.json", "{\"version\":\"4.8.4\"}",
                "io/windsock/client/v2/socket.io.js", "/* 2.x */",
                "io/windsock/client/v2/socket.io.js.map", "{}",
                "io/windsock/client/v2/package.json", "{\"version\":\"2.5.0\"}")), "/socket.io/", null);
        Response v2 = HttpExchange.send(config, GET, "/socket.io/v2/socket.io.js");
        assertEquals(200, v2.status());
        assertEquals("/* 2.x */", v2.text());
        assertEquals(JS_TYPE, v2.contentType());
        assertEquals("\"2.5.0\"", v2.etag());
        assertEquals("application/json; charset=utf-8",
                HttpExchange.send(config, GET, "/socket.io/v2/socket.io.js.map").contentType());
        assertEquals("\"4.8.4\"", HttpExchange.send(config, GET, "/socket.io/socket.io.js").etag());
    }

    @Test
    void servesTheZeroNineClientAtItsOwnPathWithItsOwnVersion() throws Exception {
        TransportConfig config = serving(classpath(Map.of(
                "io/windsock/client/socket.io.js", JS,
                "io/windsock/client/package.json", "{\"version\":\"4.8.4\"}",
                "io/windsock/client/v09/socket.io.js", "/* 0.9 */",
                "io/windsock/client/v09/package.json", "{\"version\":\"0.9.16\"}")), "/socket.io/", null);
        Response v09 = HttpExchange.send(config, GET, "/socket.io/v09/socket.io.js");
        assertEquals(200, v09.status());
        assertEquals("/* 0.9 */", v09.text());
        assertEquals(JS_TYPE, v09.contentType());
        assertEquals("\"0.9.16\"", v09.etag());
        assertEquals("\"4.8.4\"", HttpExchange.send(config, GET, "/socket.io/socket.io.js").etag());
    }

    @Test
    void withoutTheTwoXClientItsPathIsNotServed() throws Exception {
        ClientBundle bundle = ClientBundle.load(fullBundle(), "/socket.io/", null);
        assertTrue(bundle.fileNames().stream().noneMatch(name -> name.startsWith("v2/") || name.startsWith("v09/")),
                bundle.fileNames()::toString);
    }

    @Test
    void aMatchingIfNoneMatchGets304() throws Exception {
        TransportConfig config = serving(fullBundle(), "/socket.io/", null);
        for (String tag : List.of("\"4.8.4\"", "W/\"4.8.4\"", "\"1.0\", \"4.8.4\"")) {
            Response response = HttpExchange.send(config, GET, "/socket.io/socket.io.min.js", "If-None-Match", tag);
            assertEquals(304, response.status(), tag);
            assertEquals(0, response.body().length, tag);
        }
        Response stale = HttpExchange.send(config, GET, "/socket.io/socket.io.min.js", "If-None-Match", "\"4.8.3\"");
        assertEquals(200, stale.status());
        assertEquals("min", stale.text());
    }

    /**
     * A large text file is held compressed as well, compressed once: a client that accepts gzip gets
     * those bytes, under their own tag; others get the file as it is.
     */
    @Test
    void largeTextIsSentPrecompressedToClientsThatAcceptGzip() throws Exception {
        String big = "/* the client */ " + "window.io = function () { return 42; };\n".repeat(200);
        TransportConfig config = serving(classpath(Map.of(
                "io/windsock/client/socket.io.js", big,
                "io/windsock/client/socket.io.min.js", "min",
                "io/windsock/client/package.json", "{\"name\":\"socket.io-client\",\"version\":\"4.8.4\"}")),
                "/socket.io/", null);
        Response gzipped = HttpExchange.send(config, GET, "/socket.io/socket.io.js", "Accept-Encoding", "br, gzip;q=0.8");
        assertEquals(200, gzipped.status());
        assertEquals("gzip", gzipped.headers().get("content-encoding"));
        assertEquals("accept-encoding", gzipped.headers().get("vary"));
        assertEquals("\"4.8.4-gzip\"", gzipped.etag());
        assertEquals(String.valueOf(gzipped.body().length), gzipped.contentLength());
        assertTrue(gzipped.body().length < big.length() / 4, () -> gzipped.body().length + " bytes");
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
            assertEquals(big, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(304, HttpExchange.send(config, GET, "/socket.io/socket.io.js", "Accept-Encoding", "gzip",
                "If-None-Match", "\"4.8.4-gzip\"").status());

        for (String refused : new String[] {null, "identity", "gzip;q=0", "deflate"}) {
            Response plain = refused == null ? HttpExchange.send(config, GET, "/socket.io/socket.io.js")
                    : HttpExchange.send(config, GET, "/socket.io/socket.io.js", "Accept-Encoding", refused);
            assertEquals(big, plain.text(), String.valueOf(refused));
            assertNull(plain.headers().get("content-encoding"), String.valueOf(refused));
            assertEquals("\"4.8.4\"", plain.etag());
        }
        // Small files are not worth it: sent as they are, to everyone.
        Response small = HttpExchange.send(config, GET, "/socket.io/socket.io.min.js", "Accept-Encoding", "gzip");
        assertEquals("min", small.text());
        assertNull(small.headers().get("content-encoding"));
    }

    @Test
    void headTellsTheLengthWithoutTheBody() throws Exception {
        Response response = HttpExchange.send(serving(fullBundle(), "/socket.io/", null), HEAD,
                "/socket.io/socket.io.js");
        assertEquals(200, response.status());
        assertEquals(0, response.body().length);
        assertEquals(String.valueOf(JS.length()), response.contentLength());
        assertEquals(JS_TYPE, response.contentType());
    }

    @Test
    void otherNamesAndMethodsGoOnToEngineIo() throws Exception {
        TransportConfig config = serving(fullBundle(), "/socket.io/", null);
        // Not in the bundle (no esm build was put on this classpath), unknown, or not a GET: Engine.IO's 400.
        for (String uri : List.of("/socket.io/socket.io.esm.min.js", "/socket.io/other.js", "/socket.io/")) {
            Response response = HttpExchange.send(config, GET, uri);
            assertEquals(400, response.status(), uri);
            assertTrue(response.text().contains("Transport unknown"), uri + ": " + response.text());
        }
        assertEquals(400, HttpExchange.send(config, POST, "/socket.io/socket.io.js").status());
    }

    @Test
    void followsTheConfiguredPath() throws Exception {
        TransportConfig config = serving(fullBundle(), "/realtime/", null);
        assertEquals(JS, HttpExchange.send(config, GET, "/realtime/socket.io.js").text());
        assertEquals(404, HttpExchange.send(config, GET, "/socket.io/socket.io.js").status());
    }

    @Test
    void addsCorsHeadersWhenConfigured() throws Exception {
        Response response = HttpExchange.send(serving(fullBundle(), "/socket.io/", CorsOptions.anyOrigin()), GET,
                "/socket.io/socket.io.js", "Origin", "https://example.com");
        assertEquals(200, response.status());
        assertEquals("*", response.allowOrigin());
        Response without = HttpExchange.send(serving(fullBundle(), "/socket.io/", null), GET,
                "/socket.io/socket.io.js", "Origin", "https://example.com");
        assertNull(without.allowOrigin());
    }

    /** With a list of origins, every answer varies by Origin, a refused one's too (a cache keeps them apart). */
    @Test
    void answersForAListOfOriginsVaryByOriginAllowedOrNot() throws Exception {
        TransportConfig config = serving(fullBundle(), "/socket.io/", CorsOptions.allowOrigins("https://good.example").build());
        Response good = HttpExchange.send(config, GET, "/socket.io/socket.io.js", "Origin", "https://good.example");
        assertEquals("https://good.example", good.allowOrigin());
        assertEquals("origin", good.headers().get("vary"));
        for (String origin : new String[] {"https://evil.example", null}) {
            Response refused = origin == null ? HttpExchange.send(config, GET, "/socket.io/socket.io.js")
                    : HttpExchange.send(config, GET, "/socket.io/socket.io.js", "Origin", origin);
            assertNull(refused.allowOrigin());
            assertEquals("origin", refused.headers().get("vary"), String.valueOf(origin));
        }
        Response any = HttpExchange.send(serving(fullBundle(), "/socket.io/", CorsOptions.anyOrigin()), GET,
                "/socket.io/socket.io.js", "Origin", "https://example.com");
        assertNull(any.headers().get("vary"), "the same answer for every origin");
    }

    @Test
    void withoutAPackageJsonTheTagIsADigest() throws Exception {
        ClassLoader loader = classpath(Map.of("io/windsock/client/socket.io.js", JS));
        ClientBundle bundle = ClientBundle.load(loader, "/socket.io/", null);
        assertEquals("unknown", bundle.version());
        assertEquals(List.of("socket.io.js"), bundle.fileNames());
        Response response = HttpExchange.send(HttpExchange.config("/socket.io/", null, HttpFallback.NONE, bundle),
                GET, "/socket.io/socket.io.js");
        assertTrue(response.etag().matches("\"[0-9a-f]{24}\""), response.etag());
    }

    @Test
    void aMissingBundleFailsNamingTheJar() throws Exception {
        ClassLoader empty = classpath(Map.of("unrelated.txt", "x"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClientBundle.load(empty, "/socket.io/", null));
        assertTrue(e.getMessage().contains("io.windsock:windsock-client-bundle"), e.getMessage());
    }

    @Test
    void readsTheVersionAndFileList() throws Exception {
        ClientBundle bundle = ClientBundle.load(fullBundle(), "/socket.io/", null);
        assertEquals("4.8.4", bundle.version());
        assertEquals(List.of("socket.io.js", "socket.io.js.map", "socket.io.min.js"), bundle.fileNames().stream()
                .sorted().toList());
    }
}
