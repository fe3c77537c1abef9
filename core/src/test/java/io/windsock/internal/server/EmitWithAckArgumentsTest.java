package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Handshake;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code emitWithAck} refuses a null timeout or one too long to count in milliseconds before it
 * registers anything: nothing is sent, nothing stays pending, and the next call takes the ack id the
 * refused one would have taken.
 */
class EmitWithAckArgumentsTest {
    private static final Duration TOO_LONG = Duration.ofSeconds(Long.MAX_VALUE);

    @Test
    void aBadTimeoutIsRefusedBeforeTheAckIsRegistered() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        AtomicReference<SocketImpl> connected = new AtomicReference<>();
        layer.server.of("/").onConnection(socket -> connected.set((SocketImpl) socket));
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take(); // the CONNECT reply
        SocketImpl socket = connected.get();

        assertThrows(NullPointerException.class, () -> socket.emitWithAck(null, "q"));
        assertEquals(0, socket.pendingAckCount(), "nothing left registered by a null timeout");
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> socket.emitWithAck(TOO_LONG, "q"));
        assertTrue(tooLong.getMessage().contains("timeout"), tooLong.getMessage());
        assertEquals(0, socket.pendingAckCount(), "nothing left registered");
        assertEquals(List.of(), client.take(), "nothing sent");

        CompletableFuture<List<Object>> answer = socket.emitWithAck(Duration.ofSeconds(5), "q");
        assertEquals(List.of("20[\"q\"]"), client.take(), "the first ack id: the refused calls took none");
        client.send("30[\"yes\"]");
        assertEquals(List.of("yes"), answer.join());
        assertEquals(0, socket.pendingAckCount());
    }

    public static class AsksOnOpen extends SocketConnection {
        final AtomicReference<Throwable> refused = new AtomicReference<>();

        @Override
        protected boolean onOpen(Handshake handshake) {
            try {
                emitWithAck(null, "q");
            } catch (NullPointerException e) {
                refused.set(e);
            }
            emit("after", 1); // held with it: must still go out
            return true;
        }
    }

    @Test
    void aBadTimeoutFromOnOpenIsRefusedAtTheCallNotWhenTheHeldEmitsAreSent() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        AsksOnOpen connection = new AsksOnOpen();
        Connections.serve(layer.server.of("/"), () -> connection, io.windsock.connection.ConnectionOptions.DEFAULT);
        List<String> out = layer.connect("/", null).take();
        assertTrue(connection.refused.get() instanceof NullPointerException, String.valueOf(connection.refused.get()));
        assertEquals(2, out.size(), out::toString);
        assertTrue(out.get(0).startsWith("0{\"sid\":"), out.get(0));
        assertEquals("2[\"after\",1]", out.get(1));
    }

    @Test
    void aValueThatCannotBeWrittenIsRefusedBeforeTheAckIsRegistered() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        AtomicReference<SocketImpl> connected = new AtomicReference<>();
        layer.server.of("/").onConnection(socket -> connected.set((SocketImpl) socket));
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take();
        SocketImpl socket = connected.get();

        assertThrows(java.io.UncheckedIOException.class,
                () -> socket.emitWithAck(Duration.ofSeconds(30), "q", new OnOpenEmitsTest.Unwritable()));
        assertEquals(0, socket.pendingAckCount(), "nothing left registered until the timeout");
        assertEquals(List.of(), client.take(), "nothing sent");
    }
}
