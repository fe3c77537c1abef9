package io.windsock.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.windsock.server.CorsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The socket.io browser client, served under the Engine.IO path like the Node server's
 * {@code serveClient}: {@code /socket.io/socket.io.js}, {@code socket.io.min.js},
 * {@code socket.io.esm.min.js} and their {@code .map} files, with the client's version as the ETag
 * ({@code "4.8.4"}; {@code If-None-Match} with it, weak or strong, gets 304), {@code Cache-Control:
 * public, max-age=0} and {@code application/javascript; charset=utf-8} ({@code application/json} for
 * maps). The files come from the classpath, under {@value #RESOURCE_DIRECTORY}, where the
 * {@code windsock-client-bundle} jar puts them; they are read once, at start.
 *
 * <p>Only GET and HEAD are answered; other requests go on to Engine.IO. Event loop threads.
 */
public final class ClientBundle {
    /** Where the {@code windsock-client-bundle} jar keeps the files. */
    public static final String RESOURCE_DIRECTORY = "io/windsock/client/";
    /** The builds served; the first must be there, the others and the maps are served when present. */
    static final List<String> FILES = List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js");
    private static final String CACHE_CONTROL = "public, max-age=0";

    private final String path;
    private final CorsOptions cors;
    private final String version;
    /** File name (e.g. {@code socket.io.min.js}) to file. */
    private final Map<String, StaticFile> files;

    private ClientBundle(String path, CorsOptions cors, String version, Map<String, StaticFile> files) {
        this.path = path;
        this.cors = cors;
        this.version = version;
        this.files = Map.copyOf(files);
    }

    /**
     * Reads the bundle from the calling thread's context class loader, or else from Windsock's own.
     *
     * @throws IllegalStateException when neither has it, naming the jar to add
     */
    public static ClientBundle load(String path, CorsOptions cors) {
        ClassLoader own = ClientBundle.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        boolean inContext = context != null && context.getResource(RESOURCE_DIRECTORY + FILES.get(0)) != null;
        return load(inContext ? context : own, path, cors);
    }

    /**
     * Reads the bundle from a class loader.
     *
     * @param loader where to look
     * @param path   the Engine.IO path, with leading and trailing slash ({@code /socket.io/})
     * @param cors   CORS settings for the responses, or {@code null}
     * @throws IllegalStateException when the bundle is not on the classpath, naming the jar to add
     */
    public static ClientBundle load(ClassLoader loader, String path, CorsOptions cors) {
        byte[] main = read(loader, RESOURCE_DIRECTORY + FILES.get(0));
        if (main == null) {
            throw new IllegalStateException("serveClient is on, but the socket.io client bundle is not on the"
                    + " classpath (no " + RESOURCE_DIRECTORY + FILES.get(0) + "): add the dependency"
                    + " io.windsock:windsock-client-bundle beside windsock-core, or turn serveClient off");
        }
        String version = versionOf(read(loader, RESOURCE_DIRECTORY + "package.json"));
        // Without a version, a digest of the main file still changes whenever the bundle does.
        String etag = version != null ? "\"" + version + "\"" : StaticFile.of(FILES.get(0), main).etag();
        Map<String, StaticFile> files = new LinkedHashMap<>();
        for (String name : FILES) {
            byte[] source = name.equals(FILES.get(0)) ? main : read(loader, RESOURCE_DIRECTORY + name);
            if (source != null) {
                files.put(name, new StaticFile(source, "application/javascript; charset=utf-8", etag));
            }
            byte[] map = read(loader, RESOURCE_DIRECTORY + name + ".map");
            if (map != null) {
                files.put(name + ".map", new StaticFile(map, "application/json; charset=utf-8", etag));
            }
        }
        return new ClientBundle(path, cors, version != null ? version : "unknown", files);
    }

    /** @return the socket.io-client version served (its {@code package.json}), or {@code "unknown"}. */
    public String version() {
        return version;
    }

    /** @return the file names served under the path. */
    public List<String> fileNames() {
        return List.copyOf(files.keySet());
    }

    /**
     * Answers the request if it is a GET or HEAD for one of the files under the path.
     *
     * @param requestPath the request's path, without the query
     * @return whether it was answered
     */
    boolean serve(ChannelHandlerContext ctx, HttpRequest request, String requestPath) {
        if (!requestPath.startsWith(path)
                || request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            return false;
        }
        StaticFile file = files.get(requestPath.substring(path.length()));
        if (file == null) {
            return false;
        }
        file.send(ctx, request, CACHE_CONTROL, cors);
        return true;
    }

    private static String versionOf(byte[] packageJson) {
        if (packageJson == null) {
            return null;
        }
        try {
            JsonNode version = new ObjectMapper().readTree(packageJson).path("version");
            return version.isTextual() ? version.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the classpath", e);
        }
    }
}
