package io.windsock.interop.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.Windsock;
import io.windsock.connection.Args;
import io.windsock.connection.ConnectionOptions;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TornadIO2 event model end to end, with the real {@code socket.io-client} 4.8: connection
 * classes whose methods client events call, their binding rules, acks, bad events and execution.
 * Lifecycle hooks and server-initiated acks are in {@link ConnectionLifecycleInteropTest}.
 */
class ConnectionClassInteropTest {
    @RegisterExtension
    final Interop interop = new Interop();

    /** The seed's example, as TornadIO2's documentation wrote it. */
    public static class ChatConnection extends SocketConnection {
        @Event
        public void hello(String name) {
            emit("thanks", Args.named("name", name)); // the client receives one object {name: ...}
            emit("hello", name, "foobar");            // the client receives two positional arguments
        }
    }

    public record Point(int x, int y) {
    }

    public static class Calculator extends SocketConnection {
        @Event
        public int add(int a, int b) {
            return a + b;
        }

        @Event
        public Args test(int a, int b, int c, Map<String, Object> d) {
            return Args.of(a, b, c, d);
        }

        @Event
        public String one() {
            return "ok";
        }

        @Event
        public Args several() {
            return Args.of("a", 1, null);
        }

        @Event
        public List<Integer> list() {
            return List.of(1, 2);
        }

        @Event
        public void nothing() {
        }

        @Event
        public CompletableFuture<Integer> twice(int n) {
            return CompletableFuture.supplyAsync(() -> n * 2); // completes on another thread
        }

        @Event
        public CompletableFuture<Integer> broken() {
            return CompletableFuture.failedFuture(new IllegalStateException("database down"));
        }

        @Event
        public Args upload(String name, byte[] data) {
            return Args.of(name, data.length, data);
        }

        @Event("move to")
        public Point move(Point point) {
            return point;
        }
    }

    /** TornadIO2's catch-all: overriding onEvent replaces dispatch. */
    public static class CatchAll extends SocketConnection {
        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) {
            return Args.of(name, args, kwargs);
        }
    }

    private static Map<String, Object> options(Transport transport) {
        return new HashMap<>(transport.clientOptions());
    }

    /** A server whose error hook reports into a mailbox as {@code socketId|namespace|event|message}. */
    private Windsock serverReportingErrors(Mailbox<String> errors) {
        return interop.server(o -> o.errorHandler((socket, event, error) -> errors.put(
                (socket == null ? null : socket.id()) + "|" + (socket == null ? null : socket.namespace().name())
                        + "|" + event + "|" + error.getMessage())));
    }

    private ClientSocket connect(Windsock server, String namespace) {
        ClientSocket client = interop.client().connect(interop.url(server, namespace), options(Transport.WEBSOCKET));
        client.expectConnect();
        return client;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theSeedExampleAnswersThanksAsOneObjectAndHelloAsTwoArguments(Transport transport) {
        // The builder's own path, on a server of its own; the client leaves before it stops.
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(Interop.ioThreads()).build())
                .connections("/chat", ChatConnection::new)
                .build().start();
        try {
            ClientSocket client = interop.client().connect(interop.url(server, "/chat"), options(transport));
            client.expectConnect();

            client.emit("hello", "Joes");                    // positional
            assertEquals(Json.array(Map.of("name", "Joes")), client.expectEvent("thanks").args());
            assertEquals(Json.array("Joes", "foobar"), client.expectEvent("hello").args());

            client.emit("hello", Map.of("name", "Joes"));    // one object: unpacked by name
            assertEquals(Json.array(Map.of("name", "Joes")), client.expectEvent("thanks").args());
            assertEquals(Json.array("Joes", "foobar"), client.expectEvent("hello").args());

            client.disconnect();
            assertEquals("io client disconnect", client.expectDisconnect());
        } finally {
            server.stop();
        }
    }

    @Test
    void moreThanOneArgumentIsNeverUnpacked() {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), Calculator::new);
        ClientSocket client = connect(server, "/");
        Map<String, Object> object = Map.of("a", 10, "b", 10);
        assertEquals(Json.array(1, 2, 3, object), client.emitWithAck("test", 1, 2, 3, object).args());
        assertEquals(Json.array(7), client.emitWithAck("add", Map.of("a", 3, "b", 4)).args());
    }

    @Test
    void overridingOnEventReplacesDispatchWithTornadioArgsAndKwargs() {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), CatchAll::new);
        ClientSocket client = connect(server, "/");
        assertEquals(Json.array("anything", List.of(), Map.of("a", 1)),
                client.emitWithAck("anything", Map.of("a", 1)).args());
        assertEquals(Json.array("test", List.of(1, 2, 3, Map.of("a", 10, "b", 10)), Map.of()),
                client.emitWithAck("test", 1, 2, 3, Map.of("a", 10, "b", 10)).args());
        assertEquals(Json.array("none", List.of(), Map.of()), client.emitWithAck("none").args());
    }

    @Test
    void returnValuesAreAcks() {
        Mailbox<String> errors = interop.mailbox("errors");
        Windsock server = serverReportingErrors(errors);
        Connections.serve(server.of("/"), Calculator::new);
        ClientSocket client = connect(server, "/");
        assertEquals(Json.array("ok"), client.emitWithAck("one").args());
        assertEquals(Json.array("a", 1, null), client.emitWithAck("several").args());
        assertEquals(Json.array(List.of(1, 2)), client.emitWithAck("list").args(), "a List is one argument");
        assertEquals(Json.array(), client.emitWithAck("nothing").args(), "void: an empty ack");
        assertEquals(Json.array(42), client.emitWithAck("twice", 21).args(), "a future acks when it completes");
        assertEquals(Json.array(Map.of("error", "internal_error", "message", "internal error")), client.emitWithAck("broken").args());
        assertTrue(errors.take().endsWith("|/|broken|database down"));
        assertEquals(Json.array(Map.of("x", 1, "y", 2)), client.emitWithAck("move to", Map.of("x", 1, "y", 2)).args());
    }

    @Test
    void binaryArgumentsBindToByteArrays() {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), Calculator::new);
        ClientSocket client = connect(server, "/");
        byte[] data = {1, 2, 3, (byte) 255};
        assertEquals(Json.array("f.bin", 4, data), client.emitWithAck("upload", "f.bin", data).args());
    }

    @Test
    void aMismatchWithAnAckIsAnsweredWithAnErrorAndTheConnectionLives() {
        Mailbox<String> errors = interop.mailbox("errors");
        Windsock server = serverReportingErrors(errors);
        Connections.serve(server.of("/chat"), Calculator::new);
        ClientSocket client = interop.client().connect(interop.url(server, "/chat"), options(Transport.WEBSOCKET));
        String id = client.expectConnect();

        assertEquals(Json.array(Map.of("error", "bad_arguments",
                        "message", "missing argument 2 (int b); expected add(int a, int b)")),
                client.emitWithAck("add", 1).args());
        assertEquals(id + "|/chat|add|bad event 'add': missing argument 2 (int b); expected add(int a, int b),"
                + " received [1]", errors.take());

        assertEquals(Json.array(Map.of("error", "bad_arguments",
                        "message", "3 arguments received, 2 expected; expected add(int a, int b)")),
                client.emitWithAck("add", 1, 2, 3).args());
        assertTrue(errors.take().startsWith(id + "|/chat|add|bad event 'add': 3 arguments received"));

        assertEquals(Json.array(Map.of("error", "unknown_event", "message", "unknown event 'subtract'")), client.emitWithAck("subtract", 1).args());
        assertEquals(id + "|/chat|subtract|bad event 'subtract': unknown event; received [1]", errors.take());

        assertEquals(Json.array(3), client.emitWithAck("add", 1, 2).args(), "the connection lives on");
    }

    @Test
    void aMismatchWithoutAnAckIsOnlyReported() {
        Mailbox<String> errors = interop.mailbox("errors");
        Windsock server = serverReportingErrors(errors);
        Connections.serve(server.of("/"), Calculator::new);
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(Transport.WEBSOCKET));
        String id = client.expectConnect();

        client.emit("add", "x", 2);
        String report = errors.take();
        assertTrue(report.startsWith(id + "|/|add|bad event 'add': argument 1 (int a): "), report);
        assertTrue(report.endsWith("; expected add(int a, int b), received [\"x\", 2]"), report);
        client.emit("nope");
        assertEquals(id + "|/|nope|bad event 'nope': unknown event; received []", errors.take());

        assertEquals(Json.array(3), client.emitWithAck("add", 1, 2).args(), "nothing else reached the client");
    }

    @Test
    void closeOnBadEventClosesTheNamespaceAndTheOthersOnTheConnectionLiveOn() {
        Mailbox<String> errors = interop.mailbox("errors");
        Windsock server = serverReportingErrors(errors);
        Connections.serve(server.of("/"), Calculator::new);
        Connections.serve(server.of("/strict"), Calculator::new, ConnectionOptions.builder().closeOnBadEvent(true).build());

        NodeClient node = interop.client();
        ClientSocket main = node.connect(interop.url(server, "/"), options(Transport.WEBSOCKET));
        main.expectConnect();
        ClientSocket asking = node.multiplex(main, "/strict", Map.of());
        asking.expectConnect();
        assertEquals(Json.array(Map.of("error", "unknown_event", "message", "unknown event 'nope'")),
                asking.emitWithAck("nope").args(), "the error ack goes out before the close");
        assertEquals("io server disconnect", asking.expectDisconnect());
        assertTrue(errors.take().endsWith("|/strict|nope|bad event 'nope': unknown event; received []"));
        assertEquals(Json.array(3), main.emitWithAck("add", 1, 2).args(), "/ on the same connection lives on");

        ClientSocket silent = connect(server, "/strict");
        silent.emit("add", 1);
        assertEquals("io server disconnect", silent.expectDisconnect());
        assertTrue(errors.take().contains("|/strict|add|bad event 'add': missing argument 2"));

        ClientSocket good = connect(server, "/strict");
        assertEquals(Json.array(3), good.emitWithAck("add", 1, 2).args(), "good events do not close");
    }

    @Test
    void theServersObjectMapperConvertsArguments() {
        ObjectMapper lenient = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Windsock server = interop.server(o -> o.objectMapper(lenient));
        Connections.serve(server.of("/"), Calculator::new);
        ClientSocket client = connect(server, "/");
        assertEquals(Json.array(Map.of("x", 1, "y", 2)),
                client.emitWithAck("move to", Map.of("x", 1, "y", 2, "z", 3)).args());
    }

    public static class Slow extends SocketConnection {
        private final Mailbox<String> started;
        private final CountDownLatch gate;

        Slow(Mailbox<String> started, CountDownLatch gate) {
            this.started = started;
            this.gate = gate;
        }

        @Event
        public String slow() throws InterruptedException {
            started.put(socket().id());
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            return "slow done";
        }

        @Event
        public String fast() {
            return "fast";
        }
    }

    @Test
    void aSlowHandlerDelaysOnlyItsOwnConnection() {
        Mailbox<String> started = interop.mailbox("started");
        CountDownLatch gate = new CountDownLatch(1);
        // A pong may take 2 s: a client stalled for a moment on a busy machine is not cut.
        Windsock server = interop.server(o -> o.engine(Interop.fastPing(Duration.ofMillis(200), Duration.ofSeconds(2))));
        Connections.serve(server.of("/"), () -> new Slow(started, gate));
        NodeClient node = interop.client();
        ClientSocket blocked = node.connect(interop.url(server, "/"), options(Transport.WEBSOCKET));
        String blockedId = blocked.expectConnect();
        ClientSocket other = node.connect(interop.url(server, "/"), options(Transport.WEBSOCKET));
        other.expectConnect();

        int slowSeq = blocked.emitWithAckLater("slow", null);
        assertEquals(blockedId, started.take(), "the slow handler is running");
        int queuedSeq = blocked.emitWithAckLater("fast", null); // waits behind "slow": per-connection order

        for (int i = 0; i < 5; i++) {
            assertEquals(Json.array("fast"), other.emitWithAck("fast").args(), "another connection is not delayed");
        }
        // Pings go on while the handler blocks: the server sends each ping only after the pong of the
        // one before, so the blocked connection's pongs are read meanwhile.
        blocked.awaitPings(3);

        gate.countDown();
        assertEquals(Json.array("slow done"), blocked.expectAck(slowSeq).args());
        assertEquals(Json.array("fast"), blocked.expectAck(queuedSeq).args(), "then the queued event, in order");
    }
}
