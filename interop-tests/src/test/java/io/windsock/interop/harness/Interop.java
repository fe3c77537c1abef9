package io.windsock.interop.harness;

import io.windsock.Windsock;
import io.windsock.adapter.AdapterFactory;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.engine.EngineOptions;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The per-test fixture of the interop tests: servers on free ports, Node clients and scripts, and
 * mailboxes, all torn down when the test ends.
 *
 * <pre>{@code
 * @RegisterExtension
 * final Interop interop = new Interop();
 *
 * @Test
 * void hello() {
 *     Windsock server = interop.server(o -> o);
 *     Mailbox<String> names = interop.mailbox("names");
 *     server.of("/").onConnection(s -> s.on("hello", (args, ack) -> names.put((String) args.get(0))));
 *     ClientSocket client = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
 *     client.expectConnect();
 *     client.emit("hello", "joe");
 *     assertEquals("joe", names.take());
 * }
 * }</pre>
 *
 * <p>At the end of each test it fails the test if a registered mailbox or a client socket holds
 * something nobody took (so unexpected packets do not go unnoticed), then kills every Node process
 * and stops every server.
 */
public final class Interop implements AfterEachCallback {
    private final List<Windsock> servers = new ArrayList<>();
    private final List<NodeProcess> processes = new ArrayList<>();
    private final List<Mailbox<?>> mailboxes = new ArrayList<>();

    /** System property: event loops of every server the harness starts (default {@value #DEFAULT_IO_THREADS}). */
    public static final String IO_THREADS_PROPERTY = "windsock.interop.ioThreads";
    /**
     * Several loops, with the default handler pool, make every interop test a real-threads test. Three,
     * not two: Netty hands accepted connections to its loops in turn, and socket.io-client opens its
     * WebSocket two connections after its polling handshake, so over two loops both would always
     * share one; over three they never do, which is the layout where races between loops show.
     */
    public static final int DEFAULT_IO_THREADS = 3;

    /** @return the event loops each server gets unless a test sets its own. */
    public static int ioThreads() {
        return Integer.getInteger(IO_THREADS_PROPERTY, DEFAULT_IO_THREADS);
    }

    /**
     * Starts a server on 127.0.0.1, on a free port, with {@link #ioThreads()} event loops and the
     * options the function makes of those defaults. Add namespaces and listeners to it before
     * clients connect.
     */
    public Windsock server(UnaryOperator<WindsockOptions.Builder> options) {
        return server(InMemoryAdapter::new, options);
    }

    /** A started server whose namespaces get their adapters from {@code adapters}. */
    public Windsock server(AdapterFactory adapters, UnaryOperator<WindsockOptions.Builder> options) {
        WindsockOptions built = options.apply(WindsockOptions.builder().host("127.0.0.1").port(0)
                .ioThreads(ioThreads())).build();
        Windsock server = Windsock.builder().options(built).adapter(adapters).build();
        synchronized (this) {
            servers.add(server);
        }
        return server.start();
    }

    /** Engine options with a fast heartbeat, for tests about pings. */
    public static EngineOptions fastPing(Duration interval, Duration timeout) {
        return EngineOptions.builder().pingInterval(interval).pingTimeout(timeout).build();
    }

    /** @return the URL of a namespace of a started server, e.g. {@code http://127.0.0.1:4321/chat}. */
    public String url(Windsock server, String namespace) {
        return "http://127.0.0.1:" + server.port() + ("/".equals(namespace) ? "" : namespace);
    }

    /** Starts a Node process running socket.io-client 4.x. */
    public NodeClient client() {
        return client(NodeClient.SCRIPT);
    }

    /** Starts a Node process running another driver script with the same commands. */
    public NodeClient client(String driverScript) {
        NodeClient client = NodeClient.start(driverScript);
        synchronized (this) {
            processes.add(client.process());
        }
        return client;
    }

    /** Starts another harness script (path relative to {@code interop-tests/node/}) with its parameters. */
    public NodeProcess script(String script, Object params) {
        NodeProcess process = NodeProcess.start(script, params);
        synchronized (this) {
            processes.add(process);
        }
        return process;
    }

    /** @return a mailbox that must be empty when the test ends. */
    public <T> Mailbox<T> mailbox(String name) {
        Mailbox<T> box = new Mailbox<>(name);
        synchronized (this) {
            mailboxes.add(box);
        }
        return box;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems = new ArrayList<>();
        List<Windsock> stopServers;
        List<NodeProcess> killProcesses;
        List<Mailbox<?>> checkMailboxes;
        synchronized (this) {
            stopServers = new ArrayList<>(servers);
            killProcesses = new ArrayList<>(processes);
            checkMailboxes = new ArrayList<>(mailboxes);
            servers.clear();
            processes.clear();
            mailboxes.clear();
        }
        // Server-side mailboxes first, while every client is still connected.
        for (Mailbox<?> box : checkMailboxes) {
            List<?> left = box.pending();
            if (!left.isEmpty()) {
                problems.add(box.name() + " holds unexpected items: " + left);
            }
        }
        // Kill the clients, then look at what they printed until they died.
        for (NodeProcess process : killProcesses) {
            process.close();
            if (process.fatal() != null) {
                problems.add(process + ": " + process.fatal());
            }
            for (Map.Entry<String, List<com.fasterxml.jackson.databind.JsonNode>> left
                    : process.unconsumed().entrySet()) {
                problems.add(process + " socket " + left.getKey() + " saw what the test never took: "
                        + left.getValue());
            }
        }
        for (Windsock server : stopServers) {
            server.stop();
        }
        if (!problems.isEmpty()) {
            // After a failure JUnit attaches this as suppressed, so the first cause stays on top.
            throw new AssertionError(String.join("\n", problems));
        }
    }
}
