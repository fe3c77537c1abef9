package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.EventListener;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncomingEventsTest {
    private SocketLayer layer;
    private Namespace main;
    private final List<String> log = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private Socket socket;
    private SocketLayer.TestClient client;

    @BeforeEach
    void setUp() {
        layer = new SocketLayer(WindsockOptions.builder().errorHandler((s, event, error) -> {
            errors.add(error);
            log.add("error " + event + ": " + error.getMessage());
        }).build());
        main = layer.server.of("/");
        main.onConnection(s -> socket = s);
        client = layer.connect("/", null);
        client.take();
    }

    @Test
    void middlewaresRunInOrderBeforeAnyListenerAndMayChangeArguments() {
        socket.use((event, args) -> log.add("mw1 " + event + " " + args));
        socket.use((event, args) -> {
            log.add("mw2");
            args.set(0, "changed");
        });
        socket.onAny((event, args, ack) -> log.add("any " + event + " " + args));
        socket.on("e", (args, ack) -> log.add("on " + args));
        client.send("2[\"e\",\"original\"]");
        assertEquals(List.of("mw1 e [original]", "mw2", "any e [changed]", "on [changed]"), log);
    }

    @Test
    void aMiddlewareRejectsAnEventWithAnErrorThatReachesTheErrorHookButNotItsTextTheClient() {
        socket.use((event, args) -> {
            if ("forbidden".equals(event)) {
                throw new SecurityException("not allowed");
            }
        });
        socket.onAny((event, args, ack) -> log.add("any " + event));
        socket.on("forbidden", (args, ack) -> log.add("listener ran"));
        socket.on("fine", (args, ack) -> ack.send("ok"));

        client.send("27[\"forbidden\",1]");
        assertEquals(List.of("37[{\"error\":\"internal_error\",\"message\":\"internal error\"}]"), client.take());
        assertEquals(List.of("error forbidden: not allowed"), log);
        assertInstanceOf(SecurityException.class, errors.get(0));

        client.send("2[\"forbidden\"]"); // without an ack: only the error hook hears of it
        assertEquals(List.of(), client.take());
        client.send("28[\"fine\"]");
        assertEquals(List.of("38[\"ok\"]"), client.take());
        assertEquals(2, errors.size());
    }

    @Test
    void onAddsListenersThatRunInRegistrationOrderAndTheFirstAckWins() {
        EventListener second = (args, ack) -> {
            log.add("second " + args);
            ack.send("from second");
        };
        socket.on("e", (args, ack) -> log.add("first " + args));
        socket.on("e", second);
        socket.on("e", (args, ack) -> {
            log.add("third");
            ack.send("from third"); // ignored: the second listener answered first
        });
        socket.fallback((event, args, ack) -> log.add("fallback " + event));
        client.send("25[\"e\",1]");
        assertEquals(List.of("35[\"from second\"]"), client.take());
        assertEquals(List.of("first [1]", "second [1]", "third"), log);
    }

    @Test
    void offRemovesOneListenerOrAllOfThem() {
        EventListener second = (args, ack) -> log.add("second " + args);
        socket.on("e", (args, ack) -> log.add("first " + args));
        socket.on("e", second);
        socket.on("e", (args, ack) -> log.add("third"));
        socket.fallback((event, args, ack) -> log.add("fallback " + event));
        socket.off("e", second);
        client.send("2[\"e\",2]");
        assertEquals(List.of("first [2]", "third"), log, "off(event, listener) removes that one");

        log.clear();
        socket.off("e");
        client.send("2[\"e\",3]");
        assertEquals(List.of("fallback e"), log, "off(event) removes them all");
    }

    @Test
    void aThrowingListenerIsReportedAndTheNextOneStillRuns() {
        socket.on("e", (args, ack) -> {
            throw new IllegalStateException("first failed");
        });
        socket.on("e", (args, ack) -> ack.send("second ran"));
        client.send("21[\"e\"]");
        assertEquals(List.of("31[\"second ran\"]"), client.take());
        assertEquals(List.of("error e: first failed"), log);
    }

    @Test
    void aRejectionFromAMiddlewareReachesTheAckWithItsMessageAndData() {
        socket.use((event, args) -> {
            throw new io.windsock.server.Rejection("slow down", java.util.Map.of("retryIn", 5));
        });
        client.send("27[\"e\"]");
        assertEquals(List.of("37[{\"error\":\"rejected\",\"message\":\"slow down\",\"data\":{\"retryIn\":5}}]"),
                client.take());
        assertEquals(List.of(), errors);
    }

    @Test
    void aRejectionWhoseDataCannotBeWrittenStillAnswersTheAckAndReachesTheErrorHook() {
        socket.use((event, args) -> {
            throw new io.windsock.server.Rejection("slow down", new Object()); // no JSON form
        });
        socket.on("e", (args, ack) -> log.add("listener ran"));
        client.send("27[\"e\"]");
        assertEquals(List.of("37[{\"error\":\"internal_error\",\"message\":\"internal error\"}]"), client.take(),
                "the client's callback fires, as for any other failure");
        assertEquals(1, errors.size());
        assertEquals(java.io.UncheckedIOException.class, errors.get(0).getClass());
        assertTrue(!log.contains("listener ran"), "a rejected event reaches no listener");
    }

    @Test
    void anEventWhoseMiddlewareDisconnectedTheSocketReachesNoListener() {
        // As socket.io, whose dispatch drops an event once its middlewares leave the socket disconnected
        // (an authorization check that calls socket.disconnect() instead of refusing the event).
        socket.use((event, args) -> {
            log.add("mw1");
            socket.disconnect();
        });
        socket.use((event, args) -> log.add("mw2"));
        socket.onAny((event, args, ack) -> log.add("any " + event));
        socket.on("delete", (args, ack) -> {
            log.add("listener ran");
            ack.send("done");
        });
        socket.fallback((event, args, ack) -> log.add("fallback " + event));
        client.send("23[\"delete\",1]");
        assertEquals(List.of("1"), client.take(), "the DISCONNECT, and no ack");
        assertEquals(List.of("mw1", "mw2"), log);
        assertEquals(List.of(), errors);
    }

    @Test
    void anEventWhoseMiddlewareClosedTheConnectionReachesNoListener() {
        socket.use((event, args) -> socket.disconnect(true));
        socket.on("delete", (args, ack) -> log.add("listener ran"));
        client.send("2[\"delete\"]");
        assertEquals(List.of(), log);
        assertTrue(!socket.isConnected());
    }

    @Test
    void aReservedEventFromTheClientReachesNoListener() {
        // The decoder refuses it (as socket.io-parser does): a parse error that closes the connection.
        socket.onAny((event, args, ack) -> log.add("any " + event));
        socket.on("disconnect", (args, ack) -> log.add("listener ran"));
        client.send("2[\"disconnect\",\"fake\"]");
        assertEquals(1, errors.size(), log::toString);
        assertEquals(List.of("error null: " + errors.get(0).getMessage()), log);
        assertTrue(!socket.isConnected());
    }

    @Test
    void outgoingListenersSeeOwnEmitsAndBroadcastsThatReachTheSocket() {
        socket.onAnyOutgoing((event, args) -> log.add("out " + event + " " + args));
        socket.join("room");
        socket.emit("own", 1);
        main.to("room").emit("room event", "x");
        main.to("other").emit("not for us");
        socket.broadcast().emit("not for us either");
        main.volatileEvents().emit("vol");
        client.transport.writableNow = false;
        main.volatileEvents().emit("dropped");
        assertEquals(List.of("out own [1]", "out room event [x]", "out vol []"), log);
    }

    @Test
    void outgoingNotificationsWaitingForABusySocketAreBounded() {
        java.util.ArrayDeque<Runnable> handlerTasks = new java.util.ArrayDeque<>();
        SocketLayer busy = new SocketLayer(WindsockOptions.builder().build(), handlerTasks::add);
        List<Socket> connected = new ArrayList<>();
        busy.server.of("/").onConnection(connected::add);
        busy.connect("/", null);
        runAll(handlerTasks);
        Socket s = connected.get(0);
        int[] seen = {0};
        s.onAnyOutgoing((event, args) -> seen[0]++);
        for (int i = 0; i < SocketListeners.MAX_PENDING_OUTGOING + 5; i++) {
            s.emit("e", i); // the socket's executor runs nothing meanwhile: a handler is busy
        }
        runAll(handlerTasks);
        assertEquals(SocketListeners.MAX_PENDING_OUTGOING, seen[0], "the rest dropped, not queued");
        s.emit("after");
        runAll(handlerTasks);
        assertEquals(SocketListeners.MAX_PENDING_OUTGOING + 1, seen[0], "notified again once the queue ran");
    }

    private static void runAll(java.util.ArrayDeque<Runnable> tasks) {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }
}
