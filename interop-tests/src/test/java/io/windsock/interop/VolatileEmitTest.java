package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Socket.emitVolatile} (Node's {@code socket.volatile.emit}) on a server with several event loops and
 * the real handler pool: a long-polling client with no poll waiting misses it while an emit made beside
 * it waits for its next poll; the real 4.8 client over WebSocket gets it from a handler, and with
 * connection state recovery on it carries no offset while the emit after it does.
 */
class VolatileEmitTest {
    private static final char SEPARATOR = '\u001e';

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void aPollingClientWithNoPollWaitingMissesItButGetsTheEmitBesideIt() {
        Mailbox<Socket> sockets = interop.mailbox("sockets");
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(sockets::put);

        RawHttp.Response open = RawHttp.request(server.port(), "GET", "/socket.io/?EIO=4&transport=polling", null);
        assertEquals(200, open.status());
        String sid = Json.parse(open.body().substring(1)).path("sid").asText();
        String target = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        assertEquals(200, RawHttp.request(server.port(), "POST", target, "40").status());
        Socket socket = sockets.take();

        // From a thread of the application's, with no GET waiting: the volatile ones are dropped.
        socket.emitVolatile("pos", 1);
        socket.emit("kept", 2);
        socket.emitVolatile("pos", 3);
        RawHttp.Response poll = RawHttp.request(server.port(), "GET", target, null);
        List<String> packets = Arrays.asList(poll.body().split(String.valueOf(SEPARATOR)));
        assertEquals(2, packets.size(), packets::toString);
        assertTrue(packets.get(0).startsWith("40{\"sid\":"), packets::toString);
        assertEquals("42[\"kept\",2]", packets.get(1));
    }

    /**
     * Four application threads each emit numbered events and volatile events in turn to one socket of a
     * server on several loops: every kept event arrives once and in its thread's order, and each volatile one
     * that arrives in its place between them. While the WebSocket is busy with the others they may all be
     * dropped (as Node drops them while its transport is not writable), so rounds go on until some arrived.
     */
    @Test
    void volatileEventsFromManyThreadsKeepTheirOrderAndLeaveTheOthersWhole() throws Exception {
        Mailbox<Socket> sockets = interop.mailbox("sockets");
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(sockets::put);
        ClientSocket client = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        client.expectConnect();
        Socket socket = sockets.take();
        int volatiles = 0;
        for (int round = 0; round < 20 && volatiles == 0; round++) {
            volatiles = round(socket, client, 4, 200);
        }
        assertTrue(volatiles > 0, "no volatile event went out in 20 rounds");
    }

    /** @return how many volatile events arrived, each checked in its place */
    private static int round(Socket socket, ClientSocket client, int threads, int each) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread producer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    socket.emit("kept", thread, i);
                    socket.emitVolatile("vol", thread, i);
                }
                socket.emit("done", thread);
            }, "producer-" + t);
            producer.start();
            producers.add(producer);
        }
        start.countDown();
        int[] nextKept = new int[threads];
        int done = 0;
        int volatiles = 0;
        while (done < threads) { // each thread's events precede its "done": none of this round is left after
            ClientEvent event = client.next();
            assertEquals("event", event.type(), event::toString);
            int thread = event.arg(0).asInt();
            switch (event.event()) {
                case "kept" -> assertEquals(nextKept[thread]++, event.arg(1).asInt(), event::toString);
                case "vol" -> {
                    // between its thread's kept i and kept i + 1, as emitted
                    assertEquals(nextKept[thread] - 1, event.arg(1).asInt(), event::toString);
                    volatiles++;
                }
                case "done" -> {
                    assertEquals(each, nextKept[thread], "every kept event before done");
                    done++;
                }
                default -> throw new AssertionError(event.toString());
            }
        }
        for (Thread producer : producers) {
            producer.join(10_000);
        }
        return volatiles;
    }

    @Test
    void theRealClientGetsItFromAHandlerWithoutAnOffset() {
        Windsock server = interop.server(o -> o.connectionStateRecovery(ConnectionStateRecovery.defaults()));
        server.of("/").onConnection(socket -> socket.on("go", (args, ack) -> {
            socket.emitVolatile("pos", "1"); // a string last, which a stored event's offset would be
            socket.emit("stored", 2);
        }));
        ClientSocket client = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        client.expectConnect();
        client.emit("go");
        ClientEvent pos = client.expectEvent("pos");
        assertEquals(Json.array("1"), pos.args(), pos::toString);
        ClientEvent stored = client.expectEvent("stored");
        assertEquals(2, stored.args().size(), "an emit carries its offset: " + stored);
        assertEquals(2, stored.arg(0).asInt());
        assertTrue(stored.arg(1).isTextual(), stored::toString);
    }
}
