package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serveClient and staticResources through the public API, over a real socket. */
class ServedFilesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static WindsockOptions.Builder local() {
        return WindsockOptions.builder().host("127.0.0.1").port(0);
    }

    /** Runs the call with the thread's context class loader seeing the files (name to text). */
    private <T> T withClasspath(Map<String, String> files, Callable<T> call) throws Exception {
        HttpExchange.write(dir, files);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
            thread.setContextClassLoader(loader);
            return call.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static HttpResponse<String> get(Windsock server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serveClientWithoutTheBundleFailsAtStart() {
        Windsock server = Windsock.builder().options(local().serveClient(true).build()).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
        assertTrue(e.getMessage().contains("windsock-client-bundle"), e.getMessage());
        assertEquals(-1, server.port(), "nothing was bound");
        server.stop();
    }

    @Test
    void serveClientIsOffByDefault() throws Exception {
        assertEquals(false, WindsockOptions.builder().build().serveClient());
        try (Windsock server = Windsock.builder().options(local().build()).build().start()) {
            assertEquals(400, get(server, "/socket.io/socket.io.js").statusCode());
        }
    }

    @Test
    void servesTheBundlePagesAndEngineIoOnOnePort() throws Exception {
        Windsock server = withClasspath(Map.of(
                "io/windsock/client/socket.io.js", "/* client */",
                "io/windsock/client/package.json", "{\"version\":\"4.8.4\"}",
                "site/index.html", "<script src=\"/socket.io/socket.io.js\"></script>"),
                () -> Windsock.builder().options(local().serveClient(true).build())
                        .staticResources("/", "site")
                        .build().start());
        try (server) {
            HttpResponse<String> client = get(server, "/socket.io/socket.io.js");
            assertEquals(200, client.statusCode());
            assertEquals("/* client */", client.body());
            assertEquals("\"4.8.4\"", client.headers().firstValue("etag").orElseThrow());
            HttpResponse<String> page = get(server, "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("socket.io.js"));
            assertEquals(404, get(server, "/nothing.html").statusCode());
            HttpResponse<String> handshake = get(server, "/socket.io/?EIO=4&transport=polling");
            assertEquals(200, handshake.statusCode());
            assertTrue(handshake.body().startsWith("0{\"sid\":"), handshake.body());
        }
    }

    /**
     * Through the whole pipeline, response compression on (the default): a large page goes out
     * compressed once, from the bytes compressed at start, and never by the response compressor.
     */
    @Test
    void aLargePageIsSentCompressedOnceThroughThePipeline() throws Exception {
        String page = "<p>windsock</p>\n".repeat(500);
        Windsock server = withClasspath(Map.of("site/index.html", page),
                () -> Windsock.builder().options(local().build()).staticResources("/", "site").build().start());
        try (server) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/index.html"))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals("gzip", response.headers().firstValue("content-encoding").orElseThrow());
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
                assertEquals(page, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            // A client taking deflate only: the compressor, which would deflate it per request, leaves it alone.
            HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/index.html"))
                    .header("Accept-Encoding", "deflate").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, plain.statusCode());
            assertTrue(plain.headers().firstValue("content-encoding").isEmpty(), plain.headers()::toString);
            assertEquals(page, plain.body());
        }
    }

    @Test
    void aMissingStaticFolderFailsAtStart() {
        Windsock server = Windsock.builder().options(local().build()).staticResources("/", "no/such/folder").build();
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
        assertTrue(e.getMessage().contains("no/such/folder"), e.getMessage());
        server.stop();
    }
}
