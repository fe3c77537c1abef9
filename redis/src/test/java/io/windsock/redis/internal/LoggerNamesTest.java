package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Users configure logging by logger name, so this module logs only under the documented name of
 * {@link Loggers}, never under a class's name, which would change with refactoring.
 */
class LoggerNamesTest {
    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Path HOLDER = SOURCES.resolve("io/windsock/redis/internal/Loggers.java");

    @Test
    void onlyTheHolderAsksSlf4jForALogger() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".java") && !f.equals(HOLDER)
                        && Files.readString(f).contains("LoggerFactory")) {
                    offenders.add(SOURCES.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "log through io.windsock.redis.internal.Loggers");
    }

    @Test
    void theNameIsTheDocumentedOne() throws IOException {
        assertEquals("io.windsock.redis", Loggers.REDIS.getName());
        assertTrue(Files.readString(Path.of("..", "docs", "logging.md")).contains("| `io.windsock.redis` |"),
                "docs/logging.md's table lacks io.windsock.redis");
    }
}
