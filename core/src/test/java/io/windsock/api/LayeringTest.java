package io.windsock.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's packages import downward only: codecs, engine, transports, sockets, connection classes,
 * then the facade; no two packages depend on each other, even through others. Checked on the
 * compiled classes with the JDK's {@code jdeps}, so a new import that breaks a rule fails the build.
 */
class LayeringTest {
    /** Each package of core with its layer; a package may use its own layer (without cycles) and those below. */
    private static final Map<String, Integer> LAYERS = new LinkedHashMap<>();
    private static final String[] LAYER_NAMES = {"utilities", "codecs", "engine", "transports", "sockets",
            "connection classes", "facade"};

    static {
        layer(0, "io.windsock.internal.log", "io.windsock.internal.exec", "io.windsock.internal.collect",
                "io.windsock.internal.options");
        layer(1, "io.windsock.protocol", "io.windsock.internal.protocol", "io.windsock.internal.engine.codec",
                "io.windsock.internal.json");
        layer(2, "io.windsock.engine", "io.windsock.internal.engine");
        layer(3, "io.windsock.internal.transport");
        layer(4, "io.windsock.server", "io.windsock.adapter", "io.windsock.internal.carrier", "io.windsock.internal.server");
        // The Socket.IO 0.9 front end: its own transports and sessions, plugged into the sockets as a
        // carrier (beside internal.carrier's engine carrier), so it sits with the carriers, and nothing
        // below it may know it exists.
        layer(4, "io.windsock.internal.sio1");
        layer(5, "io.windsock.connection", "io.windsock.internal.connection", "io.windsock.internal.dispatch");
        layer(6, "io.windsock");
    }

    private static void layer(int layer, String... packages) {
        for (String p : packages) {
            LAYERS.put(p, layer);
        }
    }

    /** Package to the packages it uses (Windsock's and others'), from jdeps. */
    private static final Map<String, Set<String>> DEPENDENCIES = new TreeMap<>();

    @BeforeAll
    static void analyse(@TempDir Path copy) throws IOException {
        // jdeps would resolve module-info's requires; the package graph needs only the classes.
        Path classes = Path.of("target", "classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class")) {
                    Path target = copy.resolve(classes.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
            }
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", copy.toString());
        assertEquals(0, rc, out.toString());
        Pattern edge = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");
        for (String line : out.toString().split("\\R")) {
            Matcher m = edge.matcher(line);
            if (m.find() && m.group(1).startsWith("io.windsock")) {
                DEPENDENCIES.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        assertTrue(DEPENDENCIES.size() > 10, out.toString());
    }

    @Test
    void everyPackageHasALayer() {
        List<String> unplaced = DEPENDENCIES.keySet().stream().filter(p -> !LAYERS.containsKey(p)).toList();
        assertEquals(List.of(), unplaced, "place new packages in LAYERS");
    }

    @Test
    void packagesUseOnlyTheirLayerAndTheOnesBelow() {
        List<String> upward = new ArrayList<>();
        DEPENDENCIES.forEach((from, targets) -> {
            for (String to : targets) {
                Integer a = LAYERS.get(from);
                Integer b = LAYERS.get(to);
                if (a != null && b != null && b > a) {
                    upward.add(from + " (" + LAYER_NAMES[a] + ") -> " + to + " (" + LAYER_NAMES[b] + ")");
                }
            }
        });
        assertEquals(List.of(), upward);
    }

    @Test
    void noPackageCycles() {
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected()) {
            if (component.size() > 1) {
                cycles.add(String.join(" <-> ", component));
            }
        }
        assertEquals(List.of(), cycles);
    }

    @Test
    void codecsAndTheEngineUseNoNetty() {
        List<String> netty = new ArrayList<>();
        DEPENDENCIES.forEach((from, targets) -> {
            Integer layer = LAYERS.get(from);
            if (layer != null && layer <= 2) {
                targets.stream().filter(t -> t.startsWith("io.netty")).forEach(t -> netty.add(from + " -> " + t));
            }
        });
        assertEquals(List.of(), netty);
    }

    /** Codec values are shared across threads and recipients: immutable, no caches filled on the way. */
    @Test
    void codecValuesHaveFinalFieldsOnly() throws Exception {
        List<String> mutable = new ArrayList<>();
        for (String name : List.of("io.windsock.internal.engine.codec.EnginePacket", "io.windsock.protocol.SocketPacket")) {
            for (Field f : Class.forName(name).getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) {
                    mutable.add(name + "." + f.getName());
                }
            }
        }
        assertEquals(List.of(), mutable);
    }

    /** The engine knows its transports by kind, not by comparing their wire names. */
    @Test
    void theEngineComparesNoTransportNames() throws IOException {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("target", "classes", "io", "windsock", "internal", "engine"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.toString().endsWith(".class") || f.getFileName().toString().startsWith("TransportKind")) {
                    continue;
                }
                StringWriter out = new StringWriter();
                javap.run(new PrintWriter(out), new PrintWriter(out), "-v", f.toString());
                for (String line : out.toString().split("\\R")) {
                    if (line.matches(".*= String\\s+#\\d+\\s+//\\s+(polling|websocket)\\s*$")) {
                        found.add(f.getFileName() + ": " + line.trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(List.of(), found);
    }

    /** Tarjan's algorithm over core's packages. */
    private static List<Set<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        List<String> stack = new ArrayList<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String p : DEPENDENCIES.keySet()) {
            if (!index.containsKey(p)) {
                visit(p, index, low, stack, onStack, result, counter);
            }
        }
        return result;
    }

    private static void visit(String p, Map<String, Integer> index, Map<String, Integer> low, List<String> stack,
                              Set<String> onStack, List<Set<String>> result, int[] counter) {
        index.put(p, counter[0]);
        low.put(p, counter[0]++);
        stack.add(p);
        onStack.add(p);
        for (String q : DEPENDENCIES.getOrDefault(p, Set.of())) {
            if (!q.startsWith("io.windsock")) {
                continue;
            }
            if (!index.containsKey(q)) {
                visit(q, index, low, stack, onStack, result, counter);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (onStack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            Set<String> component = new TreeSet<>();
            String q;
            do {
                q = stack.remove(stack.size() - 1);
                onStack.remove(q);
                component.add(q);
            } while (!q.equals(p));
            result.add(component);
        }
    }
}
