package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Handshake;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a connection class emits from {@code onOpen}, before its client is connected: it reaches the
 * client after the CONNECT reply in the order of the calls, whichever way it was emitted, and a
 * value that cannot be written as JSON throws at the call, as it does from a handler, without
 * losing the emits after it. A refusal drops them and fails their acks at once. A real server: two network threads, the default handler pool.
 */
class OnOpenEmitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<String> packets = new LinkedBlockingQueue<>();
    private Windsock server;

    /** Jackson cannot write it: its getter throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("not writable");
        }
    }

    private void start(Supplier<? extends SocketConnection> factory) {
        server = Windsock.builder()
                .options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2).build())
                .connections("/", factory)
                .build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Connects and returns the first {@code count} packets after the CONNECT reply. */
    private List<String> received(int count) throws Exception {
        V4TestClient client = V4TestClient.connect(http, server.port(), packets::add);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String packet = packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(packet, "packet " + (i + 1) + " of " + count + "; got " + got);
            got.add(packet);
        }
        client.close();
        return got;
    }

    public static class Mixed extends SocketConnection {
        @Override
        protected boolean onOpen(Handshake handshake) {
            emit("first");
            socket().emit("second");
            emitWithAck(Duration.ofSeconds(30), "third");
            socket().emitWithAck(Duration.ofSeconds(30), "fourth");
            send("fifth");
            emit("sixth");
            return true;
        }
    }

    @Test
    void emitsFromOnOpenArriveInTheOrderOfTheCalls() throws Exception {
        start(Mixed::new);
        List<String> got = received(6);
        assertEquals(List.of("first", "second", "third", "fourth", "message", "sixth"),
                got.stream().map(OnOpenEmitsTest::eventName).toList(), got::toString);
    }

    /** @return the event name of an EVENT packet, with or without an ack id. */
    private static String eventName(String packet) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("42\\d*\\[\"([^\"]+)\".*").matcher(packet);
        assertTrue(m.matches(), packet);
        return m.group(1);
    }

    public static class EmitsUnwritable extends SocketConnection {
        private final BlockingQueue<Throwable> thrown;

        EmitsUnwritable(BlockingQueue<Throwable> thrown) {
            this.thrown = thrown;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            emit("first");
            try {
                emit("bad", new Unwritable());
            } catch (RuntimeException e) {
                thrown.add(e);
            }
            try {
                emitWithAck(Duration.ofSeconds(30), "bad ask", new Unwritable());
            } catch (RuntimeException e) {
                thrown.add(e);
            }
            try {
                emit("disconnect");
            } catch (RuntimeException e) {
                thrown.add(e);
            }
            emit("last");
            return true;
        }
    }

    @Test
    void aBadEmitThrowsAtTheCallAndTheEmitsAfterItStillGoOut() throws Exception {
        BlockingQueue<Throwable> thrown = new LinkedBlockingQueue<>();
        start(() -> new EmitsUnwritable(thrown));
        assertEquals(List.of("42[\"first\"]", "42[\"last\"]"), received(2));
        List<Throwable> failures = new ArrayList<>(thrown);
        assertEquals(3, failures.size(), failures::toString);
        assertInstanceOf(UncheckedIOException.class, failures.get(0), "emit");
        assertInstanceOf(UncheckedIOException.class, failures.get(1), "emitWithAck");
        assertInstanceOf(IllegalArgumentException.class, failures.get(2), "a reserved name");
    }

    public static class Refused extends SocketConnection {
        private final BlockingQueue<CompletableFuture<List<Object>>> asked;

        Refused(BlockingQueue<CompletableFuture<List<Object>>> asked) {
            this.asked = asked;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            emit("welcome");
            asked.add(emitWithAck(Duration.ofSeconds(30), "ask"));
            return false;
        }
    }

    @Test
    void aRefusedOnOpensEmitsNeverGoOutAndItsAckFailsAtOnce() throws Exception {
        BlockingQueue<CompletableFuture<List<Object>>> asked = new LinkedBlockingQueue<>();
        start(() -> new Refused(asked));
        V4TestClient.open(http, server.port(), null, packets::add);
        assertEquals("44{\"message\":\"connection refused\"}", packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        CompletableFuture<List<Object>> ask = asked.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(ask);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> ask.get(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                "failed as the socket was refused, not at the ack's 30 s timeout");
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        server.stop();
        assertTrue(packets.isEmpty(), packets::toString);
    }
}
