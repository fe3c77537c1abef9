package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Args;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ClientError;
import io.windsock.server.Ack;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Return values as acks, handler failures, and what a bad event does to the connection. */
class AckAndErrorTest {
    public static class Acks extends SocketConnection {
        final CompletableFuture<Integer> pending = new CompletableFuture<>();

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
        public Map<String, Object> named() {
            return Args.named("name", "Joes");
        }

        @Event
        public Object nothing() {
            return null;
        }

        @Event
        public CompletableFuture<Integer> later() {
            return pending;
        }

        @Event
        public CompletionStage<Void> laterVoid() {
            return CompletableFuture.completedFuture(null);
        }

        @Event
        public CompletionStage<Args> laterSeveral() {
            return CompletableFuture.completedFuture(Args.of(1, 2));
        }

        @Event
        public void boom() {
            throw new IllegalStateException("secret detail");
        }

        @Event
        public CompletableFuture<String> failLater() {
            return CompletableFuture.failedFuture(new IOException("disk"));
        }

        @Event
        public void manual(Ack ack) {
            ack.send("m", 2);
        }
    }

    private static Fixtures.Wired<Acks> wired() throws Exception {
        return new Fixtures.Wired<>(new Acks()).open();
    }

    private static Fixtures.Wired<Acks> wired(ConnectionOptions options) throws Exception {
        return new Fixtures.Wired<>(new Acks(), options).open();
    }

    @Test
    void theReturnValueIsTheAck() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        assertEquals(List.of("ok"), w.fire("one", "[]").only());
        assertEquals(List.of(Map.of("name", "Joes")), w.fire("named", "[]").only());
    }

    @Test
    void argsAckWithSeveralValuesWhileAListIsOneValue() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        assertEquals(Arrays.asList("a", 1, null), w.fire("several", "[]").only());
        assertEquals(List.of(List.of(1, 2)), w.fire("list", "[]").only());
    }

    @Test
    void nullAndVoidAckWithNoArguments() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        assertEquals(List.of(), w.fire("nothing", "[]").only());
        assertEquals(List.of(), w.fire("laterVoid", "[]").only());
    }

    @Test
    void aFutureAcksWhenItCompletes() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        Fixtures.RecordingAck ack = w.fire("later", "[]");
        assertTrue(ack.sent.isEmpty(), "not before completion");
        w.connection.pending.complete(5);
        assertTrue(ack.sent.isEmpty(), "the ack goes out on the socket's executor, not the completing thread");
        w.fake.runTasks();
        assertEquals(List.of(5), ack.only());
        assertEquals(List.of(1, 2), w.fire("laterSeveral", "[]").only());
    }

    @Test
    void aHandlerThatAcksItselfGetsNoSecondAck() throws Exception {
        assertEquals(List.of("m", 2), wired().fire("manual", "[]").only());
    }

    @Test
    void anExceptionIsReportedAndTheClientLearnsOnlyThatItFailed() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        Fixtures.RecordingAck ack = w.fire("boom", "[]");
        assertEquals(List.of(Map.of("error", "internal_error", "message", "internal error")), ack.only());
        Fixtures.Reported report = w.errors.only();
        assertEquals("boom", report.event());
        assertEquals("secret detail", report.error().getMessage());
        assertTrue(w.fake.disconnects.isEmpty());
    }

    @Test
    void aFailedFutureIsReportedUnwrappedEvenWithoutAnAck() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        assertEquals(List.of(Map.of("error", "internal_error", "message", "internal error")), w.fire("failLater", "[]").only());
        assertInstanceOf(IOException.class, w.errors.only().error());
        w.errors.reports.clear();
        Fixtures.RecordingAck none = w.fire("failLater", "[]", false);
        assertTrue(none.sent.isEmpty());
        assertInstanceOf(IOException.class, w.errors.only().error());
    }

    @Test
    void anUnknownEventIsReportedAndAnsweredAndTheConnectionLives() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        assertEquals(List.of(Map.of("error", "unknown_event", "message", "unknown event 'nope'")), w.fire("nope", "[1, {\"a\": true}]").only());
        Fixtures.Reported report = w.errors.only();
        assertEquals("nope", report.event());
        assertInstanceOf(ClientError.class, report.error());
        assertEquals("bad event 'nope': unknown event; received [1, {\"a\": true}]", report.error().getMessage());
        assertTrue(w.fake.disconnects.isEmpty());
        assertEquals(List.of("ok"), w.fire("one", "[]").only(), "later events still work");
    }

    @Test
    void withoutAnAckAskedABadEventIsOnlyReported() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        Fixtures.RecordingAck ack = w.fire("one", "[1]", false);
        assertTrue(ack.sent.isEmpty());
        assertEquals("bad event 'one': 1 argument received, 0 expected; expected one(), received [1]",
                w.errors.only().error().getMessage());
    }

    @Test
    void theLogLineShowsExpectedAgainstReceivedAndCutsLongPayloads() throws Exception {
        Fixtures.Wired<Acks> w = wired();
        w.fire("one", "[\"" + "x".repeat(1000) + "\"]", false);
        String message = w.errors.only().error().getMessage();
        assertTrue(message.startsWith("bad event 'one': 1 argument received, 0 expected; expected one(), received [\"xxx"));
        assertTrue(message.length() < 350, message);
        assertTrue(message.endsWith("..."), message);
    }

    @Test
    void closeOnBadEventClosesThisNamespaceOnlyAfterTheErrorAck() throws Exception {
        Fixtures.Wired<Acks> w = wired(ConnectionOptions.builder().closeOnBadEvent(true).build());
        assertEquals(List.of(Map.of("error", "unknown_event", "message", "unknown event 'nope'")), w.fire("nope", "[]").only());
        assertEquals(List.of(false), w.fake.disconnects, "disconnect(false): this namespace's socket");
    }

    @Test
    void closingTheWholeConnectionIsAnExplicitChoice() throws Exception {
        Fixtures.Wired<Acks> w = wired(ConnectionOptions.builder()
                .onBadEvent(ConnectionOptions.BadEventAction.CLOSE_CONNECTION).build());
        w.fire("nope", "[]");
        assertEquals(List.of(true), w.fake.disconnects, "disconnect(true): every namespace");
    }

    @Test
    void closeOnBadEventDoesNotCloseForAFailingHandler() throws Exception {
        Fixtures.Wired<Acks> w = wired(ConnectionOptions.builder().closeOnBadEvent(true).build());
        w.fire("boom", "[]");
        assertTrue(w.fake.disconnects.isEmpty(), "a server bug is not the client's fault");
    }

    @Test
    void optionsDefaultToKeepingTheConnection() {
        assertEquals(ConnectionOptions.BadEventAction.KEEP_OPEN, ConnectionOptions.DEFAULT.onBadEvent());
        assertEquals(ConnectionOptions.BadEventAction.CLOSE_NAMESPACE,
                ConnectionOptions.DEFAULT.toBuilder().closeOnBadEvent(true).build().onBadEvent());
        ConnectionOptions all = ConnectionOptions.builder()
                .onBadEvent(ConnectionOptions.BadEventAction.CLOSE_CONNECTION).lenientConversion(true).build();
        assertEquals(all, all.toBuilder().build());
    }
}
