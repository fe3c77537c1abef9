package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection-class handler blocked on {@code emitWithAck(...).get()} (handlers on the default pool,
 * sessions on two network threads, a real WebSocket client): the socket leaving ends the wait at once
 * with an {@link IllegalStateException}, not at the ack's timeout, which the disconnect listeners,
 * queued behind the blocked handler, used to wait for; an ack that arrived before the close still
 * answers it.
 */
class AckWaitOnDisconnectTest {
    private static final Pattern QUESTION = Pattern.compile("42(\\d+)\\[\"q\"]");
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    /** Well under the ack's 30 s timeout, which is what the wait took before; room for a slow machine. */
    private static final long PROMPT_MS = 10_000;
    private static final int ROUNDS = 5;

    /** What each blocked handler's wait ended with: its answer, or the failure. */
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;

    public static class Asker extends SocketConnection {
        private final BlockingQueue<Object> outcomes;

        Asker(BlockingQueue<Object> outcomes) {
            this.outcomes = outcomes;
        }

        @Event
        public String ask() throws InterruptedException {
            try {
                String answer = (String) emitWithAck(ACK_TIMEOUT, "q").get().get(0);
                outcomes.add(answer);
                return answer;
            } catch (ExecutionException e) {
                outcomes.add(e.getCause());
                return null; // the client is gone: no ack to send
            }
        }
    }

    private void start(Duration shutdownTimeout) throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).shutdownTimeout(shutdownTimeout).build())
                .connections("/", () -> new Asker(outcomes))
                .build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Connects, asks the handler to ask, and waits until the question reached the client. */
    private V4TestClient asking(BlockingQueue<String> packets) throws Exception {
        V4TestClient client = V4TestClient.connect(http, server.port(), packets::add);
        client.send("42[\"ask\"]");
        return client;
    }

    private static String questionAckId(BlockingQueue<String> packets) throws InterruptedException {
        String packet = packets.poll(10, TimeUnit.SECONDS);
        Matcher m = QUESTION.matcher(String.valueOf(packet));
        assertTrue(m.matches(), "the handler's question: " + packet);
        return m.group(1);
    }

    private Object outcomeWithin(long ms) throws InterruptedException {
        Object outcome = outcomes.poll(ms, TimeUnit.MILLISECONDS);
        assertTrue(outcome != null, "the blocked handler's wait did not end within " + ms + " ms (ack timeout "
                + ACK_TIMEOUT.toSeconds() + " s)");
        return outcome;
    }

    @Test
    void theClientClosingEndsABlockedAckWaitAtOnce() throws Exception {
        start(Duration.ofSeconds(10));
        for (int i = 0; i < ROUNDS; i++) {
            BlockingQueue<String> packets = new LinkedBlockingQueue<>();
            V4TestClient client = asking(packets);
            questionAckId(packets);
            client.close();
            Object outcome = outcomeWithin(PROMPT_MS);
            assertInstanceOf(IllegalStateException.class, outcome, "round " + i);
        }
    }

    @Test
    void anAckReadBeforeTheCloseStillAnswers() throws Exception {
        start(Duration.ofSeconds(10));
        for (int i = 0; i < ROUNDS; i++) {
            BlockingQueue<String> packets = new LinkedBlockingQueue<>();
            V4TestClient client = asking(packets);
            String ackId = questionAckId(packets);
            client.send("43" + ackId + "[\"yes " + i + "\"]");
            client.close(); // read right after the ack, on the same network thread
            assertEquals("yes " + i, outcomeWithin(PROMPT_MS), "round " + i);
        }
    }

    @Test
    void aStopIsNotHeldByABlockedAckWait() throws Exception {
        start(Duration.ofSeconds(30));
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        asking(packets);
        questionAckId(packets);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
        assertInstanceOf(IllegalStateException.class, outcomeWithin(PROMPT_MS));
        stopped.get(PROMPT_MS, TimeUnit.MILLISECONDS);
    }
}
