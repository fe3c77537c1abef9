package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Ack;
import io.windsock.server.ConnectError;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** onOpen, onMessage, onEvent (TornadIO2's catch-all, with super) and onClose. */
class HooksTest {
    public static class Opening extends SocketConnection {
        Handshake seen;
        boolean accept = true;
        CompletableFuture<List<Object>> early;
        DisconnectReason closed;

        @Override
        protected boolean onOpen(Handshake handshake) {
            seen = handshake;
            emit("welcome", "early");
            early = emitWithAck(Duration.ofSeconds(1), "ask", 1);
            return accept;
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            closed = reason;
        }
    }

    @Test
    void onOpenSeesTheHandshakeAndItsEmitsGoToTheSocketAtTheCall() throws Exception {
        Fixtures.Wired<Opening> w = new Fixtures.Wired<>(new Opening());
        // This fake holds nothing: holding until the CONNECT reply is the socket's (OnOpenEmitsTest).
        w.fake.connected = true;
        w.driver.open();
        assertEquals("t1", w.connection.seen.query("token"));
        assertEquals("joe", w.connection.seen.auth().get("user"));
        assertEquals("abc", w.connection.seen.cookie("sid"));
        assertEquals(List.of(new Fixtures.Emitted("welcome", List.of("early")), new Fixtures.Emitted("ask", List.of(1))),
                w.fake.emitted, "in the order of the calls, before onOpen returned");
        assertEquals(List.of("acked"), w.connection.early.get());
        w.fake.runTasks();
        assertEquals(2, w.fake.emitted.size(), "nothing left to send later");
    }

    @Test
    void falseRefusesWithConnectionRefused() {
        Opening connection = new Opening();
        connection.accept = false;
        Fixtures.Wired<Opening> w = new Fixtures.Wired<>(connection);
        ConnectError refused = assertThrows(ConnectError.class, w.driver::open);
        assertEquals("connection refused", refused.getMessage());
        assertNull(w.fake.fallback, "no events for a refused connection");
        assertNull(w.fake.onDisconnect);
    }

    public static class Refusing extends SocketConnection {
        @Override
        protected boolean onOpen(Handshake handshake) {
            throw new ConnectError("banned", Map.of("until", "tomorrow"));
        }
    }

    @Test
    void aConnectErrorFromOnOpenKeepsItsMessageAndData() {
        Fixtures.Wired<Refusing> w = new Fixtures.Wired<>(new Refusing());
        ConnectError refused = assertThrows(ConnectError.class, w.driver::open);
        assertEquals("banned", refused.getMessage());
        assertEquals(Map.of("until", "tomorrow"), refused.data());
    }

    @Test
    void onCloseRunsWithTheReasonAndItsFailuresAreReported() throws Exception {
        Fixtures.Wired<Opening> w = new Fixtures.Wired<>(new Opening()).open();
        w.fake.onDisconnect.accept(DisconnectReason.PING_TIMEOUT);
        assertEquals(DisconnectReason.PING_TIMEOUT, w.connection.closed);

        Fixtures.Wired<SocketConnection> failing = new Fixtures.Wired<SocketConnection>(new SocketConnection() {
            @Override
            protected void onClose(DisconnectReason reason) {
                throw new IllegalStateException("cleanup failed");
            }
        }).open();
        failing.fake.onDisconnect.accept(DisconnectReason.TRANSPORT_CLOSE);
        assertEquals("disconnect", failing.errors.only().event());
    }

    @Test
    void theSocketIsNotThereInTheConstructorAndAnInstanceServesOneSocket() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SocketConnection() {
            {
                socket();
            }
        });
        assertTrue(e.getMessage().contains("not attached to a socket yet"), e.getMessage());
        Opening shared = new Opening();
        new Fixtures.Wired<>(shared);
        assertThrows(IllegalStateException.class, () -> new Fixtures.Wired<>(shared));
    }

    public static class Messages extends SocketConnection {
        final List<Object> got = new ArrayList<>();

        @Override
        protected void onMessage(Object message) {
            got.add(message);
        }
    }

    @Test
    void onMessageReceivesTheMessageEventAndAcksEmpty() throws Exception {
        Fixtures.Wired<Messages> w = new Fixtures.Wired<>(new Messages()).open();
        assertEquals(List.of(), w.fire("message", "[\"hi\"]").only());
        w.fire("message", "[{\"a\": 1}]");
        w.fire("message", "[]");
        assertEquals(Arrays.asList("hi", Map.of("a", 1), null), w.connection.got);
        String error = w.fire("message", "[1, 2]").only().toString();
        assertTrue(error.contains("2 arguments received, 1 expected; expected onMessage(Object message)"), error);
        assertEquals(3, w.connection.got.size());
    }

    @Test
    void withoutOnMessageTheMessageEventIsUnknown() throws Exception {
        Fixtures.Wired<AckAndErrorTest.Acks> w = new Fixtures.Wired<>(new AckAndErrorTest.Acks()).open();
        assertEquals(List.of(Map.of("error", "unknown_event", "message", "unknown event 'message'")), w.fire("message", "[\"hi\"]").only());
    }

    public static class CatchAll extends SocketConnection {
        final List<List<Object>> seen = new ArrayList<>();

        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
            seen.add(List.of(name, args, kwargs));
            if (name.startsWith("typed:")) {
                return super.onEvent(name.substring(6), args, kwargs);
            }
            if (name.equals("rebuilt")) {
                return super.onEvent("add", List.of(20, 22), Map.of());
            }
            if (name.equals("mutate")) {
                args.add(1);
            }
            return "caught " + name;
        }

        @Event
        public int add(int a, int b) {
            return a + b;
        }

        @Event
        public void later(Ack ack) {
            // acks later, from elsewhere
        }
    }

    @Test
    void onEventSeesArgsAndKwargsByTornadioRule() throws Exception {
        Fixtures.Wired<CatchAll> w = new Fixtures.Wired<>(new CatchAll()).open();
        assertEquals(List.of("caught test"), w.fire("test", "[1, 2, 3, {\"a\": 10, \"b\": 10}]").only());
        w.fire("one", "[{\"a\": 1}]");
        w.fire("none", "[]");
        w.fire("two", "[{\"a\": 1}, {\"b\": 2}]");
        assertEquals(List.of(
                List.of("test", List.of(1, 2, 3, Map.of("a", 10, "b", 10)), Map.of()),
                List.of("one", List.of(), Map.of("a", 1)),
                List.of("none", List.of(), Map.of()),
                List.of("two", List.of(Map.of("a", 1), Map.of("b", 2)), Map.of())), w.connection.seen);
        assertTrue(w.errors.reports.isEmpty(), "onEvent replaces dispatch: no unknown-event reports");
    }

    @Test
    void onEventArgumentsAreUnmodifiable() throws Exception {
        Fixtures.Wired<CatchAll> w = new Fixtures.Wired<>(new CatchAll()).open();
        assertEquals(List.of(Map.of("error", "internal_error", "message", "internal error")), w.fire("mutate", "[1]").only());
        assertSame(UnsupportedOperationException.class, w.errors.only().error().getClass());
    }

    @Test
    void superOnEventDispatchesToTheHandlers() throws Exception {
        Fixtures.Wired<CatchAll> w = new Fixtures.Wired<>(new CatchAll()).open();
        assertEquals(List.of(3), w.fire("typed:add", "[1, 2]").only());
        assertEquals(List.of(7), w.fire("typed:add", "[{\"a\": 3, \"b\": 4}]").only());
        assertEquals(List.of(42), w.fire("rebuilt", "[]").only());
        assertTrue(w.fire("typed:later", "[]").sent.isEmpty(), "the handler holds the Ack: no automatic ack");
        assertEquals(List.of(Map.of("error", "unknown_event", "message", "unknown event 'nope'")), w.fire("typed:nope", "[]").only());
        assertEquals("nope", w.errors.only().error().getMessage().substring(11, 15));
    }

    public static class BothHooks extends Messages {
        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) {
            return "event";
        }
    }

    @Test
    void messagesGoToOnMessageEvenWhenOnEventIsOverridden() throws Exception {
        Fixtures.Wired<BothHooks> w = new Fixtures.Wired<>(new BothHooks()).open();
        assertEquals(List.of(), w.fire("message", "[\"m\"]").only());
        assertEquals(List.of("m"), w.connection.got);
        assertEquals(List.of("event"), w.fire("other", "[]").only());
    }

    @Test
    void theCloseOptionAppliesToBadEventsFoundThroughSuper() throws Exception {
        Fixtures.Wired<CatchAll> w = new Fixtures.Wired<>(new CatchAll(),
                ConnectionOptions.builder().closeOnBadEvent(true).build()).open();
        w.fire("typed:add", "[1]");
        assertEquals(List.of(false), w.fake.disconnects);
    }
}
