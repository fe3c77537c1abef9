package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/** Signatures registration refuses because no client event could use them as written. */
class RejectedSignaturesTest {
    public static class TakesOwnClass extends SocketConnection {
        @Event
        public void f(TakesOwnClass other) {
        }
    }

    public static class ReturnsFuture extends SocketConnection {
        @Event
        public Future<String> f() {
            return CompletableFuture.completedFuture("x");
        }

        @Event
        public FutureTask<String> g() {
            return new FutureTask<>(() -> "x");
        }
    }

    public static class AnnotatedHooks extends SocketConnection {
        @Event
        @Override
        protected boolean onOpen(Handshake handshake) {
            return true;
        }

        @Event
        @Override
        protected void onClose(DisconnectReason reason) {
        }

        @Event
        @Override
        protected void onMessage(Object message) {
        }

        @Event
        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) {
            return null;
        }
    }

    /** An overload of a hook's name is not the hook: it stays a handler. */
    public static class HookNamedOverload extends SocketConnection {
        @Event
        public String onClose(String why) {
            return why;
        }
    }

    private static String failure(Class<? extends SocketConnection> type) {
        return assertThrows(IllegalArgumentException.class, () -> ConnectionType.of(type)).getMessage();
    }

    @Test
    void aParameterOfTheConnectionClassItselfIsRefused() {
        String message = failure(TakesOwnClass.class);
        assertTrue(message.contains("TakesOwnClass.f(TakesOwnClass): parameter 1 is a TakesOwnClass, which no client"
                + " sends; use this"), message);
    }

    @Test
    void aFutureThatIsNotACompletionStageIsRefused() {
        String message = failure(ReturnsFuture.class);
        assertTrue(message.contains("ReturnsFuture.f(): returns a Future, which is not a CompletionStage"), message);
        assertTrue(message.contains("ReturnsFuture.g(): returns a FutureTask"), message);
    }

    @Test
    void eventOnAHookIsRefused() {
        String message = failure(AnnotatedHooks.class);
        for (String hook : List.of("onOpen(Handshake)", "onClose(DisconnectReason)", "onMessage(Object)",
                "onEvent(String, List, Map)")) {
            assertTrue(message.contains("overrides the hook SocketConnection." + hook), hook + " in " + message);
        }
    }

    @Test
    void anOverloadNamedLikeAHookIsAHandler() throws Exception {
        assertTrue(ConnectionType.of(HookNamedOverload.class).handlers().containsKey("onClose"));
    }
}
