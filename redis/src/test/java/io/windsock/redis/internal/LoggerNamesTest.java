package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.testing.SourceScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertEquals(List.of(), SourceScan.javaFilesContaining(SOURCES, "LoggerFactory", HOLDER),
                "log through io.windsock.redis.internal.Loggers");
    }

    @Test
    void theNameIsTheDocumentedOne() throws IOException {
        assertEquals("io.windsock.redis", Loggers.REDIS.getName());
        assertTrue(Files.readString(Path.of("..", "docs", "logging.md")).contains("| `io.windsock.redis` |"),
                "docs/logging.md's table lacks io.windsock.redis");
    }
}
