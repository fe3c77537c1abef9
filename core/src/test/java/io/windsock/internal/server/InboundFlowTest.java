package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ClientError;
import io.windsock.server.Socket;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The marks of a socket's incoming queue, step by step: handlers run only when the test says so,
 * so the queue holds exactly what arrived and was not handled.
 */
class InboundFlowTest {
    private final Deque<Runnable> handlerTasks = new ArrayDeque<>();
    private final List<String> log = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private SocketLayer layer;
    private SocketLayer.TestClient client;
    private Socket socket;

    private void start(UnaryOperator<WindsockOptions.Builder> options) {
        layer = new SocketLayer(options.apply(WindsockOptions.builder()
                .errorHandler((s, event, error) -> errors.add(error))).build(), handlerTasks::add);
        layer.server.of("/").onConnection(s -> {
            socket = s;
            s.on("e", (args, ack) -> {
                log.add("e " + args.get(0) + (client.transport.readingSuspended ? " (paused)" : ""));
                s.emit("echo", args.get(0));
            });
            s.onDisconnect(reason -> log.add("disconnect " + reason));
        });
        client = layer.connect("/", null);
        runHandlers(Integer.MAX_VALUE);
        assertTrue(client.take().get(0).startsWith("0{"), "connected");
    }

    private void runHandlers(int count) {
        for (int i = 0; i < count && !handlerTasks.isEmpty(); i++) {
            handlerTasks.poll().run();
        }
    }

    private ServerStats stats() {
        return layer.server.stats().snapshot();
    }

    @Test
    void readingPausesAboveAQuarterOfTheCountAndResumesUnderAnEighth() {
        start(o -> o.maxQueuedEvents(16)); // high-water 4, low-water 2
        for (int i = 0; i < 4; i++) {
            client.send("2[\"e\"," + i + "]");
        }
        assertFalse(client.transport.readingSuspended, "4 queued is at the high-water mark, not above");
        client.send("2[\"e\",4]");
        assertTrue(client.transport.readingSuspended);
        assertEquals(1, stats().pausedConnections());
        runHandlers(Integer.MAX_VALUE);
        // Each event counts until its handler returns: 5, 4 and 3 queued are above the low-water mark.
        assertEquals(List.of("e 0 (paused)", "e 1 (paused)", "e 2 (paused)", "e 3", "e 4"), log);
        assertFalse(client.transport.readingSuspended);
        assertEquals(0, stats().pausedConnections());
        assertEquals(0, stats().queuedEvents());
        assertEquals(5, stats().peakConnectionQueuedEvents());
        assertEquals(1, stats().pauses());
    }

    @Test
    void readingPausesOnBytesToo() {
        start(o -> o.maxQueuedEventBytes(4000)); // high-water 1000 bytes
        client.send("2[\"e\",\"" + "x".repeat(1100) + "\"]");
        assertTrue(client.transport.readingSuspended);
        runHandlers(Integer.MAX_VALUE);
        assertFalse(client.transport.readingSuspended);
        assertEquals(0, stats().queuedBytes());
    }

    @Test
    void anEventOfManySmallObjectsCountsWhatItHoldsDecodedNotItsWireBytes() {
        start(o -> o.maxQueuedEventBytes(40_000)); // high-water 10,000 bytes
        String event = "2[\"e\",[" + "{},".repeat(199) + "{}]]"; // 610 wire bytes, some 12 KB decoded
        client.send(event);
        assertTrue(client.transport.readingSuspended, "paused on the decoded size");
        assertTrue(stats().queuedBytes() > 10_000, stats().queuedBytes() + " bytes counted");
        runHandlers(Integer.MAX_VALUE);
        assertFalse(client.transport.readingSuspended);
        assertEquals(0, stats().queuedBytes(), "handled: counted out as it was counted in");
    }

    @Test
    void anEventHeldPastTheWholeBoundStillLeavesRoomForWhatArrivesWithIt() {
        start(o -> o.maxQueuedEventBytes(40_000));
        client.send("2[\"e\",[" + "{},".repeat(699) + "{}]]"); // 2 KB on the wire, some 40 KB decoded
        client.send("2[\"e\",\"x\"]"); // in the same read or polling slice: not a client ignoring the pause
        assertTrue(client.transport.readingSuspended);
        assertFalse(client.transport.closed, "the bound refuses on wire bytes, not on the estimate");
        runHandlers(Integer.MAX_VALUE);
        assertEquals(2, log.size(), log::toString);
        assertEquals(0, stats().queueLimitDisconnects());
    }

    @Test
    void leavingAndJoiningTheNamespaceAgainDoesNotResetTheCount() {
        start(o -> o.maxQueuedEvents(16)); // high-water 4, low-water 2
        for (int cycle = 0; cycle < 2; cycle++) {
            client.send("2[\"e\"," + (2 * cycle) + "]");
            client.send("2[\"e\"," + (2 * cycle + 1) + "]");
            client.send("1"); // leaves "/" with its two events not handled yet
            client.send("0"); // and joins it again, as a new socket
            handlerTasks.pollLast().run(); // its connect, the last task queued; the events still wait
        }
        assertFalse(client.transport.readingSuspended, "4 events queued: at the mark, not above");
        client.send("2[\"e\",4]");
        assertTrue(client.transport.readingSuspended, "the events of the sockets that left still count");
        for (int i = 5; i < 16; i++) {
            client.send("2[\"e\"," + i + "]"); // a client ignoring the pause
        }
        assertFalse(client.transport.closed);
        client.send("2[\"e\",16]");
        assertTrue(client.transport.closed, "the limit holds for the connection as a whole");
        assertEquals(1, stats().queueLimitDisconnects());
        runHandlers(Integer.MAX_VALUE);
        assertEquals(0, stats().queuedEvents());
        assertEquals(0, stats().pausedConnections());
    }

    @Test
    void anEventPastTheLimitDisconnectsTheClientAfterTheEventsBeforeItAreHandled() {
        start(o -> o.maxQueuedEvents(8));
        for (int i = 0; i < 9; i++) {
            client.send("2[\"e\"," + i + "]");
        }
        assertEquals(List.of("1"), client.take(), "a DISCONNECT, so that the client does not come back");
        assertTrue(client.transport.closed);
        assertEquals(1, stats().queueLimitDisconnects());
        runHandlers(Integer.MAX_VALUE);
        assertInstanceOf(ClientError.class, errors.get(0));
        assertTrue(errors.get(0).getMessage().contains("queue limit of 8 events or"), errors.get(0).getMessage());
        // Still paused while the socket that left has events to handle: they count for the connection.
        assertEquals(List.of("e 0 (paused)", "e 1 (paused)", "e 2 (paused)", "e 3 (paused)", "e 4 (paused)",
                "e 5 (paused)", "e 6 (paused)", "e 7", "disconnect server namespace disconnect"), log,
                "the 8 accepted events, then the close");
        assertEquals(8, stats().droppedAfterClose(), "their echoes were dropped, and counted");
        assertEquals(0, stats().queuedEvents());
        assertEquals(0, stats().pausedConnections());
    }

    @Test
    void eventsBeforeAClientDisconnectAreHandledThenTheListenerRunsOnce() {
        start(o -> o);
        client.send("2[\"e\",1]");
        client.send("2[\"e\",2]");
        client.send("1");
        client.send("2[\"e\",3]"); // after the DISCONNECT: not for this socket any more
        assertFalse(socket.isConnected());
        runHandlers(Integer.MAX_VALUE);
        assertEquals(List.of("e 1", "e 2", "disconnect client namespace disconnect"), log);
        assertEquals(2, stats().droppedAfterClose());
        assertEquals(0, layer.server.liveSockets());
    }
}
