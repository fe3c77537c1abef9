package io.windsock.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Serves files from classpath directories under URL paths (an application's own pages), as the
 * fallback for requests outside the Engine.IO path.
 *
 * <p>Every file of each directory is read into memory once, at start, so requests never touch the
 * disk and only those files can ever be served: a request path is looked up as it is, never resolved
 * against a directory, so {@code ..} and other tricks find nothing. A path ending in {@code /} serves
 * that folder's {@code index.html}. Files whose path has a segment starting with a dot, and
 * {@code .class} files, are never served. GET and HEAD only; anything else is left to the 404. Answers carry
 * a content type from the file's extension, an ETag (a digest of the bytes; a matching
 * {@code If-None-Match} gets 304) and {@code Cache-Control: no-cache}, so browsers revalidate and see
 * a new build at once. Meant for a few pages and their scripts, not for large media.
 */
public final class ClasspathResources implements HttpFallback {
    private static final String CACHE_CONTROL = "no-cache";

    /**
     * One directory to serve.
     *
     * @param urlPath   where it appears, with leading and trailing slash ({@code /} or {@code /app/})
     * @param directory the classpath directory, without leading slash ({@code com/example/web})
     * @param loader    the class loader to read it from
     */
    public record Mount(String urlPath, String directory, ClassLoader loader) {
        public Mount {
            if (!urlPath.startsWith("/") || !urlPath.endsWith("/")) {
                throw new IllegalArgumentException("urlPath must start and end with '/': " + urlPath);
            }
            if (directory.isEmpty() || directory.startsWith("/") || directory.endsWith("/")) {
                throw new IllegalArgumentException("directory must be a classpath folder like com/example/web: "
                        + directory);
            }
            for (String segment : directory.split("/", -1)) {
                // "." would serve the whole classes root; META-INF holds the jars' own files.
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.equals("META-INF")) {
                    throw new IllegalArgumentException("directory must be a classpath folder like com/example/web,"
                            + " without '.', '..', empty segments or META-INF: " + directory);
                }
            }
        }
    }

    /** URL path to file. */
    private final Map<String, StaticFile> files;

    private ClasspathResources(Map<String, StaticFile> files) {
        this.files = Map.copyOf(files);
    }

    /**
     * Reads every mount's files. Where two mounts (or two classpath entries) hold the same URL path,
     * the first wins.
     *
     * @throws IllegalStateException when a directory is not on the classpath or holds no file
     */
    public static ClasspathResources load(List<Mount> mounts) {
        Map<String, StaticFile> files = new LinkedHashMap<>();
        for (Mount mount : mounts) {
            Map<String, byte[]> found = new LinkedHashMap<>();
            try {
                Enumeration<URL> roots = mount.loader().getResources(mount.directory());
                while (roots.hasMoreElements()) {
                    readTree(roots.nextElement(), found);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + mount.directory() + " from the classpath", e);
            }
            if (found.isEmpty()) {
                throw new IllegalStateException("staticResources: no files under " + mount.directory()
                        + " on the classpath (a folder of resources, e.g. src/main/resources/"
                        + mount.directory() + ")");
            }
            found.forEach((relative, bytes) -> {
                if (servable(relative)) {
                    files.putIfAbsent(mount.urlPath() + relative, StaticFile.of(relative, bytes));
                }
            });
        }
        return new ClasspathResources(files);
    }

    /**
     * Whether a file found under a served folder is served: not one whose path has a segment starting
     * with a dot ({@code .env}, {@code .git/config}, editor files), as Node's serve-static ignores
     * them, nor compiled classes (a folder that is also a package).
     */
    static boolean servable(String relative) {
        if (relative.endsWith(".class")) {
            return false;
        }
        for (String segment : relative.split("/")) {
            if (segment.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** @return the URL paths served, in load order. */
    public List<String> paths() {
        return List.copyOf(files.keySet());
    }

    @Override
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            return false;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        StaticFile file = files.get(path.endsWith("/") ? path + "index.html" : path);
        if (file == null) {
            return false;
        }
        file.send(ctx, request, CACHE_CONTROL, null);
        return true;
    }

    /** Adds the regular files below a classpath root (a folder or a folder inside a jar), keyed by relative path. */
    private static void readTree(URL root, Map<String, byte[]> into) throws IOException {
        switch (root.getProtocol()) {
            case "file" -> {
                Path dir;
                try {
                    dir = Path.of(root.toURI());
                } catch (URISyntaxException e) {
                    throw new IOException("bad classpath URL " + root, e);
                }
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                        String relative = dir.relativize(file).toString()
                                .replace(file.getFileSystem().getSeparator(), "/");
                        into.putIfAbsent(relative, Files.readAllBytes(file));
                    }
                }
            }
            case "jar" -> {
                URLConnection connection = root.openConnection();
                connection.setUseCaches(false);
                JarURLConnection jarConnection = (JarURLConnection) connection;
                String prefix = jarConnection.getEntryName() + "/";
                try (JarFile jar = jarConnection.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                into.putIfAbsent(entry.getName().substring(prefix.length()), in.readAllBytes());
                            }
                        }
                    }
                }
            }
            default -> throw new IllegalStateException("staticResources: cannot list " + root
                    + " (only folders and jars on the classpath can be served)");
        }
    }
}
