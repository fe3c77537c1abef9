package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.SocketConnection;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class compiled without {@code javac -parameters} has no parameter names: registration warns once,
 * naming the class, the handlers and the fix. The classes are compiled here, at test time, exactly as
 * a user's build without the flag would.
 */
class ParameterNamesWarningTest {
    private static final String SOURCE = """
            package p;
            import io.windsock.connection.Arg;
            import io.windsock.connection.Event;
            import io.windsock.connection.SocketConnection;
            public class %s extends SocketConnection {
                @Event public int add(int a, int b) { return a + b; }
                @Event public String hello(String name) { return name; }
                @Event public int named(@Arg("a") int a, @Arg("b") int b) { return a + b; }
                @Event public int sum(int a, int b, int c) { return a + b + c; }
                public record Point(int x, int y) { }
                @Event public int point(Point p) { return p.x(); }
                @Event public void ping() { }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void withoutParameterNamesOneWarningNamesTheClassTheHandlersAndTheFix() throws Exception {
        Class<? extends SocketConnection> type = compile("Unnamed", false);
        List<String> warnings = warningsWhileScanning(type);
        assertEquals(1, warnings.size(), warnings::toString);
        String warning = warnings.get(0);
        assertTrue(warning.contains("p.Unnamed"), warning);
        assertTrue(warning.contains("add(int, int)") && warning.contains("sum(int, int, int)")
                && warning.contains("hello(String)"), warning);
        assertTrue(!warning.contains("named(") && !warning.contains("point(") && !warning.contains("ping("),
                "@Arg, a whole-object parameter or none: fine; " + warning);
        assertTrue(warning.contains("-parameters") && warning.contains("@Arg"), warning);
        assertEquals(List.of(), warningsWhileScanning(type), "once per class");
    }

    @Test
    void withParameterNamesNothingIsSaid() throws Exception {
        assertEquals(List.of(), warningsWhileScanning(compile("Named", true)));
    }

    /**
     * Jackson's text for an object sent to hello(String) says nothing of the cause, the server's build:
     * the server's report names it, the client's ack stays as it was.
     */
    @Test
    void anObjectForAnUnnamedHandlerIsReportedWithTheMissingNames() throws Exception {
        Class<? extends SocketConnection> type = compile("UnnamedCall", false);
        Fixtures.Wired<SocketConnection> w = new Fixtures.Wired<>(type.getDeclaredConstructor().newInstance()).open();
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) w.fire("hello", "[{\"name\": \"Joes\"}]").only().get(0);
        assertEquals("bad_arguments", error.get("error"));
        assertFalse(((String) error.get("message")).contains("-parameters"), error.toString());
        String report = w.errors.only().error().getMessage();
        assertTrue(report.contains("compiled without 'javac -parameters'"), report);
        assertEquals(List.of("Joes"), w.fire("hello", "[\"Joes\"]").only(), "by position it binds");
        assertEquals(List.of(3), w.fire("add", "[1, 2]").only());
        w.fire("add", "[1, \"x\"]");
        assertFalse(w.errors.reports.get(1).error().getMessage().contains("-parameters"),
                "not for arguments that are no lone object: " + w.errors.reports.get(1));
    }

    @Test
    void anObjectForANamedHandlerBindsByName() throws Exception {
        Class<? extends SocketConnection> type = compile("NamedCall", true);
        Fixtures.Wired<SocketConnection> w = new Fixtures.Wired<>(type.getDeclaredConstructor().newInstance()).open();
        assertEquals(List.of("Joes"), w.fire("hello", "[{\"name\": \"Joes\"}]").only());
    }

    private Class<? extends SocketConnection> compile(String name, boolean parameters) throws IOException, ClassNotFoundException {
        Path src = dir.resolve("src/p/" + name + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE.formatted(name));
        Path out = Files.createDirectories(dir.resolve("classes-" + name));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(Arrays.asList("-d", out.toString(),
                "-cp", Fixtures.compileClassPath(), src.toString()));
        if (parameters) {
            args.add(0, "-parameters");
        }
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, rc, diagnostics::toString);
        URLClassLoader loader = new URLClassLoader(new URL[]{out.toUri().toURL()}, getClass().getClassLoader());
        return Class.forName("p." + name, true, loader).asSubclass(SocketConnection.class);
    }

    /** @return the WARN lines the scan printed (the test logger writes to System.err). */
    private static List<String> warningsWhileScanning(Class<? extends SocketConnection> type) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        synchronized (System.class) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                ConnectionType.of(type);
            } finally {
                System.setErr(original);
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split(File.separator.equals("\\") ? "\r\n" : "\n")) {
            if (line.contains(" WARN io.windsock.registration - ")) { // the documented name, not a class's
                warnings.add(line);
            }
        }
        return warnings;
    }
}
