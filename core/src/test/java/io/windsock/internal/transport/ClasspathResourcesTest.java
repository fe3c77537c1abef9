package io.windsock.internal.transport;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.HEAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.transport.ClasspathResources.Mount;
import io.windsock.internal.transport.HttpExchange.Response;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathResourcesTest {
    private static final Map<String, String> SITE = Map.of(
            "com/example/web/index.html", "<h1>home</h1>",
            "com/example/web/app.js", "console.log(1)",
            "com/example/web/css/site.css", "body{}",
            "com/example/web/docs/index.html", "<h1>docs</h1>",
            "com/example/web/logo.xyz", "??",
            "com/example/web/.env", "SECRET=1",
            "com/example/web/.git/config", "[core]",
            "com/example/web/css/.site.css.swp", "swap",
            "com/example/web/Page.class", "compiled",
            "com/example/Secret.txt", "not for the web");

    @TempDir
    Path dir;

    private TransportConfig site(ClassLoader loader, String urlPath) {
        ClasspathResources pages = ClasspathResources.load(List.of(new Mount(urlPath, "com/example/web", loader)));
        return HttpExchange.config("/socket.io/", null, pages, null);
    }

    private ClassLoader folder() throws Exception {
        Path root = HttpExchange.write(dir.resolve("classes"), SITE);
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }

    private ClassLoader jar() throws Exception {
        Path jar = dir.resolve("site.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            // Like a Maven-built jar: folder entries first.
            for (String folder : List.of("com/", "com/example/", "com/example/web/", "com/example/web/css/",
                    "com/example/web/docs/", "com/example/web/.git/")) {
                out.putNextEntry(new JarEntry(folder));
                out.closeEntry();
            }
            for (Map.Entry<String, String> entry : SITE.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    @Test
    void servesAFolderWithIndexAndContentTypes() throws Exception {
        checkSite(site(folder(), "/"));
    }

    @Test
    void servesAFolderInsideAJar() throws Exception {
        checkSite(site(jar(), "/"));
    }

    private static void checkSite(TransportConfig config) {
        Response home = HttpExchange.send(config, GET, "/");
        assertEquals(200, home.status());
        assertEquals("<h1>home</h1>", home.text());
        assertEquals("text/html; charset=utf-8", home.contentType());
        assertEquals("no-cache", home.cacheControl());
        assertEquals("<h1>home</h1>", HttpExchange.send(config, GET, "/index.html?x=1").text());
        assertEquals("<h1>docs</h1>", HttpExchange.send(config, GET, "/docs/").text());
        Response js = HttpExchange.send(config, GET, "/app.js");
        assertEquals("text/javascript; charset=utf-8", js.contentType());
        assertEquals("console.log(1)", js.text());
        assertEquals("text/css; charset=utf-8", HttpExchange.send(config, GET, "/css/site.css").contentType());
        assertEquals("application/octet-stream", HttpExchange.send(config, GET, "/logo.xyz").contentType());
    }

    @Test
    void nothingOutsideTheFolderIsReachable() throws Exception {
        TransportConfig config = site(folder(), "/");
        for (String uri : List.of("/../Secret.txt", "/%2e%2e/Secret.txt", "/css/../../Secret.txt", "/..%2fSecret.txt",
                "/css", "/docs", "//app.js", "/./app.js", "/missing.html", "/com/example/Secret.txt",
                // Dot files and compiled classes found in the folder are not served (as Node's serve-static).
                "/.env", "/.git/config", "/css/.site.css.swp", "/Page.class")) {
            Response response = HttpExchange.send(config, GET, uri);
            assertEquals(404, response.status(), uri);
            assertEquals("Not Found", response.text(), uri);
        }
    }

    @Test
    void onlyGetAndHead() throws Exception {
        TransportConfig config = site(folder(), "/");
        assertEquals(404, HttpExchange.send(config, DELETE, "/app.js").status());
        Response head = HttpExchange.send(config, HEAD, "/app.js");
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals("14", head.contentLength());
    }

    @Test
    void revalidatesWithTheEtag() throws Exception {
        TransportConfig config = site(folder(), "/");
        Response first = HttpExchange.send(config, GET, "/app.js");
        Response again = HttpExchange.send(config, GET, "/app.js", "If-None-Match", first.etag());
        assertEquals(304, again.status());
        assertEquals(0, again.body().length);
        Response other = HttpExchange.send(config, GET, "/index.html", "If-None-Match", first.etag());
        assertEquals(200, other.status(), "another file has another tag");
    }

    @Test
    void mountsUnderAPrefixAndLeavesTheEngineAlone() throws Exception {
        TransportConfig config = site(folder(), "/app/");
        assertEquals("<h1>home</h1>", HttpExchange.send(config, GET, "/app/").text());
        assertEquals(404, HttpExchange.send(config, GET, "/").status());
        // Under the Engine.IO path the engine answers, whatever the folder holds.
        Response engine = HttpExchange.send(config, GET, "/socket.io/");
        assertEquals(400, engine.status());
    }

    @Test
    void aMissingFolderFailsAtLoad() throws Exception {
        ClassLoader loader = folder();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClasspathResources.load(List.of(new Mount("/", "com/example/nothing", loader))));
        assertTrue(e.getMessage().contains("com/example/nothing"), e.getMessage());
    }

    @Test
    void mountPathsAreChecked() {
        ClassLoader loader = getClass().getClassLoader();
        assertThrows(IllegalArgumentException.class, () -> new Mount("app/", "x", loader));
        assertThrows(IllegalArgumentException.class, () -> new Mount("/app", "x", loader));
        assertThrows(IllegalArgumentException.class, () -> new Mount("/", "/x", loader));
        for (String directory : List.of(".", "..", "a/./b", "a//b", "META-INF", "x/META-INF")) {
            assertThrows(IllegalArgumentException.class, () -> new Mount("/", directory, loader), directory);
        }
    }
}
