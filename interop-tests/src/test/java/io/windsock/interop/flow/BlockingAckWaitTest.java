package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A handler that blocks on its own client's answer ({@code emitWithAck(...).get()}), as TornadIO2
 * applications do, gets the answer: the ack does not need the connection's executor that the
 * handler holds. Real handler pool, two event loops, every transport, the real socket.io-client.
 */
class BlockingAckWaitTest {
    private static final int ROUNDS = 10;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final Interop interop = new Interop();

    /** TornadIO2's style: the handler asks the client and returns its answer as the ack. */
    public static class Asking extends SocketConnection {
        @Event
        public Object ask(int n) throws Exception {
            List<Object> answer = emitWithAck(WAIT, "question", n).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return answer.get(0);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anEventHandlerThatWaitsForItsClientsAckGetsIt(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2));
        Connections.serve(server.of("/"), Asking::new);
        assertRoundTrips(server, transport, "question");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aListenerThatWaitsForItsClientsAckGetsIt(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2));
        Mailbox<String> threads = interop.mailbox("threads");
        server.of("/").onConnection(socket -> socket.on("ask", (args, ack) -> {
            ack.send(socket.emitWithAck(WAIT, "question", args.get(0))
                    .thenApply(answer -> {
                        threads.put(Thread.currentThread().getName());
                        return answer.get(0);
                    })
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }));
        assertRoundTrips(server, transport, "question");
        for (int i = 0; i < ROUNDS; i++) {
            // Dependent stages run where the ack completes: a handler-pool thread, never a network thread.
            String thread = threads.take();
            assertTrue(thread.startsWith("windsock-handler"), thread);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aListenerThatWaitsForABroadcastsAcksGetsThem(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2));
        server.of("/").onConnection(socket -> socket.on("ask", (args, ack) -> {
            List<Object> answers = server.of("/").to(socket.id()).timeout(WAIT)
                    .emitWithAck("question", args.get(0)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            ack.send(answers.get(0));
        }));
        assertRoundTrips(server, transport, "question");
    }

    /**
     * Reading pauses while events wait behind the blocked handler, so an answer sent after them may
     * stay unread: the wait then ends at its timeout, and every event is still handled, in order, on
     * a connection that lives on.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWaitBehindAPausedConnectionEndsAtItsTimeoutAndLosesNothing(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2).maxQueuedEvents(8)); // pauses above 2 queued
        server.of("/").onConnection(socket -> {
            socket.on("ask", (args, ack) -> {
                try {
                    ack.send(socket.emitWithAck(Duration.ofSeconds(1), "question").get(WAIT.toMillis(), TimeUnit.MILLISECONDS).get(0));
                } catch (java.util.concurrent.ExecutionException e) {
                    ack.send("no answer: " + e.getCause().getClass().getSimpleName());
                }
            });
            socket.on("noise", (args, ack) -> ack.send(args.get(0)));
        });
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/"), transport.clientOptions());
        client.expectConnect();
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        for (int round = 0; round < 3; round++) {
            int ask = client.emitWithAckLater("ask", null);
            ClientEvent asked = client.expectEvent("question");
            int[] noise = new int[5];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = client.emitWithAckLater("noise", null, i);
            }
            client.ack(asked, "yes");
            String answer = client.expectAck(ask).args().get(0).asText();
            assertTrue(answer.equals("yes") || answer.equals("no answer: TimeoutException"), answer);
            for (int i = 0; i < noise.length; i++) {
                assertEquals(Json.array(i), client.expectAck(noise[i]).args());
            }
        }
        client.assertNothingMore();
    }

    private void assertRoundTrips(Windsock server, Transport transport, String question) {
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/"), transport.clientOptions());
        client.expectConnect();
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        for (int n = 0; n < ROUNDS; n++) {
            int seq = client.emitWithAckLater("ask", null, n);
            ClientEvent asked = client.expectEvent(question);
            assertEquals(Json.array(n), asked.args());
            client.ack(asked, "answer " + n);
            assertEquals(Json.array("answer " + n), client.expectAck(seq).args(), "round " + n);
        }
        client.assertNothingMore();
    }
}
