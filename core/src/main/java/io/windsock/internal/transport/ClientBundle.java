package io.windsock.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.windsock.engine.CorsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The socket.io browser client, served under the Engine.IO path like the Node server's
 * {@code serveClient}: {@code /socket.io/socket.io.js}, {@code socket.io.min.js},
 * {@code socket.io.esm.min.js}, {@code socket.io.msgpack.min.js} (the client with the MessagePack parser,
 * for a server with {@code Parser.MSGPACK}) and their {@code .map} files, with the client's version as the ETag
 * ({@code "4.8.4"}; {@code If-None-Match} with it, weak or strong, gets 304), {@code Cache-Control:
 * public, max-age=0} and {@code application/javascript; charset=utf-8} ({@code application/json} for
 * maps). The files come from the classpath, under {@value #RESOURCE_DIRECTORY}, where the
 * {@code windsock-client-bundle} jar puts them; they are read once, at start.
 *
 * <p>socket.io-client 2.x, for pages that speak Engine.IO v3, is served the same way when the jar has it:
 * {@code /socket.io/v2/socket.io.js} and its map, with its own version as the ETag ({@code "2.5.0"}); so is
 * socket.io-client 0.9.16, for pages that speak protocol 1: {@code /socket.io/v09/socket.io.js}
 * ({@code "0.9.16"}).
 *
 * <p>Only GET and HEAD are answered; other requests go on to Engine.IO. Event loop threads.
 */
public final class ClientBundle {
    /** Where the {@code windsock-client-bundle} jar keeps the files. */
    public static final String RESOURCE_DIRECTORY = "io/windsock/client/";
    /** The builds served; the first must be there, the others and the maps are served when present. */
    static final List<String> FILES =
            List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js");
    /** Where socket.io-client 2.x is, under {@link #RESOURCE_DIRECTORY} and under the path; optional. */
    static final String V2_DIRECTORY = "v2/";
    static final List<String> V2_FILES = List.of("socket.io.js");
    /** Where socket.io-client 0.9.16 is; optional. Not under {@code 1/}, where protocol 1 itself is. */
    static final String V09_DIRECTORY = "v09/";
    /** Older clients: directory to their builds, each served when its first build is there. */
    private static final Map<String, List<String>> OLDER_CLIENTS =
            Map.of(V2_DIRECTORY, V2_FILES, V09_DIRECTORY, List.of("socket.io.js"));
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
        Map<String, StaticFile> files = new LinkedHashMap<>();
        addFiles(loader, "", FILES, main, version, files);
        OLDER_CLIENTS.forEach((directory, names) -> {
            byte[] older = read(loader, RESOURCE_DIRECTORY + directory + names.get(0));
            if (older != null) {
                addFiles(loader, directory, names, older,
                        versionOf(read(loader, RESOURCE_DIRECTORY + directory + "package.json")), files);
            }
        });
        return new ClientBundle(path, cors, version != null ? version : "unknown", files);
    }

    /** Adds one client's builds and maps, found under {@code directory}, with its version as their ETag. */
    private static void addFiles(ClassLoader loader, String directory, List<String> names, byte[] main, String version,
                                 Map<String, StaticFile> files) {
        // Without a version, a digest of the main file still changes whenever the bundle does.
        String etag = version != null ? "\"" + version + "\"" : StaticFile.of(names.get(0), main).etag();
        for (String name : names) {
            String resource = RESOURCE_DIRECTORY + directory + name;
            byte[] source = name.equals(names.get(0)) ? main : read(loader, resource);
            if (source != null) {
                files.put(directory + name, new StaticFile(source, "application/javascript; charset=utf-8", etag));
            }
            byte[] map = read(loader, resource + ".map");
            if (map != null) {
                files.put(directory + name + ".map", new StaticFile(map, "application/json; charset=utf-8", etag));
            }
        }
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
     * @param requestPath the request's path as sent (escapes not decoded, as Node matches the URL), without the query
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
