package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code Error} thrown by a listener (an assertion, a missing class) is handled as an exception is:
 * reported with its socket and event, the listeners after it still run, a middleware's ack still answered.
 */
class ListenerErrorsTest {
    private SocketLayer layer;
    private final List<String> log = new ArrayList<>();
    private final List<Socket> reportedSockets = new ArrayList<>();
    private Socket socket;
    private SocketLayer.TestClient client;

    @BeforeEach
    void setUp() {
        layer = new SocketLayer(WindsockOptions.builder().errorHandler((s, event, error) -> {
            reportedSockets.add(s);
            log.add("error " + event + ": " + error);
        }).build());
        layer.server.of("/").onConnection(s -> socket = s);
        client = layer.connect("/", null);
        client.take();
    }

    @Test
    void anErrorFromAListenerIsReportedAndTheNextListenersStillRun() {
        socket.onAny((event, args, ack) -> {
            throw new AssertionError("any");
        });
        socket.on("e", (args, ack) -> {
            throw new NoClassDefFoundError("first");
        });
        socket.on("e", (args, ack) -> ack.send("from second"));
        client.send("21[\"e\"]");
        assertEquals(List.of("31[\"from second\"]"), client.take());
        assertEquals(List.of("error e: java.lang.AssertionError: any",
                "error e: java.lang.NoClassDefFoundError: first"), log);
        assertSame(socket, reportedSockets.get(0));
    }

    @Test
    void aVirtualMachineErrorIsReportedThenThrownOn() {
        socket.on("e", (args, ack) -> {
            throw new StackOverflowError("deep");
        });
        socket.on("e", (args, ack) -> log.add("second ran"));
        client.send("2[\"e\"]");
        assertEquals(List.of("error e: java.lang.StackOverflowError: deep"), log);
    }

    @Test
    void anErrorFromAMiddlewareAnswersTheAckAsAnyFailure() {
        socket.use((event, args) -> {
            throw new AssertionError("middleware");
        });
        socket.on("e", (args, ack) -> log.add("listener ran"));
        client.send("22[\"e\"]");
        assertEquals(List.of("32[{\"error\":\"internal_error\",\"message\":\"internal error\"}]"), client.take());
        assertEquals(List.of("error e: java.lang.AssertionError: middleware"), log);
    }

    @Test
    void anErrorFromADisconnectListenerIsReportedAndTheNextOnesStillRun() {
        socket.onDisconnecting(reason -> {
            throw new AssertionError("disconnecting");
        });
        socket.onDisconnecting(reason -> log.add("disconnecting 2"));
        socket.onDisconnect(reason -> {
            throw new AssertionError("disconnect");
        });
        socket.onDisconnect(reason -> log.add("disconnect 2"));
        client.drop();
        assertEquals(List.of("error disconnecting: java.lang.AssertionError: disconnecting", "disconnecting 2",
                "error disconnect: java.lang.AssertionError: disconnect", "disconnect 2"), log);
    }

    @Test
    void anOutgoingListenersErrorIsReported() {
        socket.onAnyOutgoing((event, args) -> {
            throw new AssertionError("outgoing");
        });
        socket.onAnyOutgoing((event, args) -> log.add("outgoing 2 " + event));
        socket.emit("news");
        assertEquals(List.of("error news: java.lang.AssertionError: outgoing", "outgoing 2 news"), log);
    }
}
