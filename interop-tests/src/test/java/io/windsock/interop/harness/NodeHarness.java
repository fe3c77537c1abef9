package io.windsock.interop.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the Node harness lives and how to run it. The Maven build installs it ({@code npm ci} in
 * {@code interop-tests/node/}) and tells the tests where it is.
 *
 * <ul>
 * <li>{@code -Dwindsock.node.dir}: the harness folder (set by the build; else {@code node/} or
 * {@code interop-tests/node/} from the working directory)</li>
 * <li>{@code -Dwindsock.node}: the node executable (default {@code node} on the PATH)</li>
 * <li>{@code -Dwindsock.node.maxLifetime.ms}: a script ends itself after this long (default 120 s)</li>
 * </ul>
 */
public final class NodeHarness {
    private NodeHarness() {
    }

    public static Path directory() {
        String configured = System.getProperty("windsock.node.dir");
        Path dir;
        if (configured != null) {
            dir = Path.of(configured);
        } else if (Files.isDirectory(Path.of("node", "scripts"))) {
            dir = Path.of("node");
        } else {
            dir = Path.of("interop-tests", "node");
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new IllegalStateException("the Node harness is not installed: run the Maven build"
                    + " (it runs npm ci), or npm ci in " + dir);
        }
        return dir;
    }

    public static String executable() {
        return System.getProperty("windsock.node", "node");
    }

    public static Duration maxLifetime() {
        return Duration.ofMillis(Long.getLong("windsock.node.maxLifetime.ms", 120_000));
    }
}
