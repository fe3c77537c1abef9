package io.windsock.interop.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@code socket.io-client} 4.x in a Node process, driven from the test
 * ({@code node/scripts/socketio-v4-driver.js}). One process can hold several client sockets; each
 * has its own ordered mailbox of what it saw. Get one from {@link Interop#client()}, which kills it
 * when the test ends and fails the test if a socket saw something the test never took.
 */
public final class NodeClient implements AutoCloseable {
    public static final String SCRIPT = "scripts/socketio-v4-driver.js";

    private final NodeProcess process;
    private final AtomicInteger names = new AtomicInteger();
    private final AtomicInteger seqs = new AtomicInteger();

    private NodeClient(NodeProcess process) {
        this.process = process;
    }

    /** Starts the socket.io-client 4.x driver and waits until it is loaded. */
    public static NodeClient start() {
        return start(SCRIPT);
    }

    /**
     * Starts a driver script that speaks the same commands (e.g. one for another client version) and
     * waits for its {@code ready} line.
     */
    public static NodeClient start(String script) {
        NodeProcess process = NodeProcess.start(script, Map.of());
        try {
            process.lines().take(line -> "ready".equals(line.path("type").asText()), "the driver's ready line");
        } catch (AssertionError e) {
            process.close();
            throw e;
        }
        return new NodeClient(process);
    }

    /**
     * Opens a new client socket (a Manager of its own: {@code forceNew}, no reconnection), as
     * {@code io(url, options)} would.
     *
     * @param url     the server and namespace, e.g. {@code http://127.0.0.1:1234/chat}
     * @param options socket.io-client options ({@code transports}, {@code auth}, {@code query}, ...)
     */
    public ClientSocket connect(String url, Map<String, ?> options) {
        String name = "s" + names.incrementAndGet();
        ClientSocket socket = new ClientSocket(this, name);
        process.send(Map.of("op", "connect", "socket", name, "url", url, "opts", options));
        return socket;
    }

    /** Opens a socket to another namespace on the same connection (the same Manager) as {@code other}. */
    public ClientSocket multiplex(ClientSocket other, String namespace, Map<String, ?> options) {
        String name = "s" + names.incrementAndGet();
        ClientSocket socket = new ClientSocket(this, name);
        process.send(Map.of("op", "socket", "socket", name, "manager", other.name(), "nsp", namespace,
                "opts", options));
        return socket;
    }

    /**
     * Kills the process without a goodbye, so its connections drop (on long-polling, once a GET poll
     * is on its way to the server, so that the server notices at once).
     */
    public void crash() {
        process.send(Map.of("op", "crash"));
        process.awaitExit(Mailbox.DEFAULT_TIMEOUT);
    }

    /** Stops the process (SIGSTOP): its connections stay open but it answers nothing, pings included. */
    public void freeze() {
        process.send(Map.of("op", "freeze"));
    }

    public NodeProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    int nextSeq() {
        return seqs.incrementAndGet();
    }

    void send(String op, ClientSocket socket, Map<String, ?> fields) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("op", op);
        command.put("socket", socket.name());
        command.putAll(fields);
        process.send(command);
    }

    Mailbox<JsonNode> mailbox(ClientSocket socket) {
        return process.mailbox(socket.name());
    }
}
