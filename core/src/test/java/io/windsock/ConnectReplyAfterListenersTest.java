package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CONNECT reply goes out once the connection listeners have returned, as Node runs its {@code connection}
 * handler before anything its client does after the reply: a client that sees it is connected is in the rooms
 * the listeners joined, and gets what they emitted first. A listener that waits for its client's answer, or
 * disconnects the socket, releases the reply at that point. Default handler pool, two network threads.
 */
class ConnectReplyAfterListenersTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;

    private void start(Consumer<Namespace> main) {
        server = Windsock.builder().options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .namespace("/", main).build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String next(BlockingQueue<String> packets) throws InterruptedException {
        String packet = packets.poll(10, TimeUnit.SECONDS);
        assertNotNull(packet, "a packet within 10 s");
        return packet;
    }

    @Test
    void aConnectedClientIsInTheRoomsItsListenersJoined() throws Exception {
        start(ns -> ns.onConnection(socket -> {
            try {
                Thread.sleep(50); // the listener's own slow work (a database lookup, say), not a synchronization
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.join("r");
            socket.emit("welcome");
        }));
        for (int round = 0; round < 10; round++) {
            BlockingQueue<String> packets = new LinkedBlockingQueue<>();
            V4TestClient client = V4TestClient.connect(http, server.port(), packets::add);
            server.of("/").to("r").emit("tick", round); // from another thread, as soon as the client is connected
            assertEquals("42[\"welcome\"]", next(packets));
            assertEquals("42[\"tick\"," + round + "]", next(packets), "round " + round);
            client.close();
        }
    }

    @Test
    void aListenerThatWaitsForItsClientsAnswerGetsIt() throws Exception {
        BlockingQueue<List<Object>> answers = new LinkedBlockingQueue<>();
        start(ns -> ns.onConnection(socket -> {
            try {
                answers.add(socket.emitWithAck(Duration.ofSeconds(10), "ask").get());
            } catch (Exception e) {
                answers.add(List.of(e.toString()));
            }
        }));
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient client = V4TestClient.connect(http, server.port(), packets::add);
        String ask = next(packets);
        String id = ask.substring(2, ask.indexOf('['));
        assertEquals("42" + id + "[\"ask\"]", ask);
        client.send("43" + id + "[\"yes\"]");
        assertEquals(List.of("yes"), answers.poll(10, TimeUnit.SECONDS));
        client.close();
    }

    @Test
    void aListenerThatClosesTheConnectionSendsWhatWasQueuedFirst() throws Exception {
        start(ns -> ns.onConnection(socket -> {
            socket.emit("bye");
            socket.conn().close();
        }));
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient.connect(http, server.port(), packets::add); // waits for the CONNECT reply
        assertEquals("42[\"bye\"]", next(packets)); // then the server closes the connection
    }

    @Test
    void aListenerThatDisconnectsTheSocketConnectsItFirst() throws Exception {
        start(ns -> ns.onConnection(socket -> {
            socket.emit("bye");
            socket.disconnect();
        }));
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient client = V4TestClient.connect(http, server.port(), packets::add); // waits for the CONNECT reply
        assertEquals("42[\"bye\"]", next(packets));
        assertEquals("41", next(packets));
        client.close();
    }
}
