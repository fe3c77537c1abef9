package io.windsock.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.internal.log.Loggers;
import io.windsock.server.ErrorHandler;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.CapturedStderr;
import io.windsock.testing.SourceScan;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;

/**
 * Users configure logging by logger name, so core logs only under the documented names of
 * {@link Loggers}, never under a class's name, which would change with refactoring.
 * (slf4j-simple writes to System.err, looked up at each line.)
 */
class LoggerNamesTest {
    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Path HOLDER = SOURCES.resolve("io/windsock/internal/log/Loggers.java");

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    @Test
    void onlyTheHolderAsksSlf4jForALogger() throws IOException {
        assertEquals(List.of(), SourceScan.javaFilesContaining(SOURCES, "LoggerFactory", HOLDER),
                "log through io.windsock.internal.log.Loggers");
    }

    @Test
    void theErrorsLoggerIsTheDefaultErrorHandlers() {
        assertEquals(ErrorHandler.DEFAULT_LOGGER, Loggers.ERRORS.getName());
    }

    @Test
    void everyNameIsUnderIoWindsockAndDocumented() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "logging.md"));
        for (String name : names()) {
            assertTrue(name.startsWith("io.windsock."), name);
            assertTrue(docs.contains("| `" + name + "` |"), "docs/logging.md's table lacks " + name);
        }
    }

    @Test
    void theListeningLineIsUnderIoWindsockServer() {
        Windsock server = Windsock.builder().options(WindsockOptions.builder().port(0).build()).build().start();
        try {
            List<String> lines = stderr.lines().stream().filter(line -> line.contains("Windsock listening on")).toList();
            assertEquals(1, lines.size(), stderr::text);
            assertTrue(lines.get(0).contains(" INFO io.windsock.server - "), lines.get(0));
        } finally {
            server.stop();
        }
    }

    private static List<String> names() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : Loggers.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Logger.class) {
                names.add(((Logger) f.get(null)).getName());
            }
        }
        assertTrue(names.size() > 5, names::toString);
        return names;
    }
}
