package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ErrorHandler;
import io.windsock.server.WindsockOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the client's callback gets when a connection class's handler fails in ways found only after
 * it returned (a value that cannot be written as JSON), or when the error handler itself throws:
 * always the {@code internal_error} ack, never silence.
 */
class ConnectionClassErrorAckTest {
    private static final String INTERNAL_ERROR = "[{\"error\":\"internal_error\",\"message\":\"internal error\"}]";

    public static class Unencodable extends SocketConnection {
        @Event
        public Object plain() {
            return new Object(); // no properties: Jackson refuses to write it
        }

        @Event
        public CompletionStage<Object> later() {
            return CompletableFuture.completedFuture(new Object());
        }

        @Event
        public int add(int a, int b) {
            return a + b;
        }

        @Event
        public CompletionStage<Object> failsLater() {
            return CompletableFuture.failedFuture(new IllegalStateException("disk"));
        }
    }

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();

    private SocketLayer layer;

    private SocketLayer.TestClient serve(ErrorHandler errors) {
        return serve(errors, ConnectionOptions.DEFAULT);
    }

    private SocketLayer.TestClient serve(ErrorHandler errors, ConnectionOptions options) {
        layer = new SocketLayer(WindsockOptions.builder().errorHandler(errors).build());
        Connections.serve(layer.server.of("/"), Unencodable::new, options);
        SocketLayer.TestClient client = layer.connect("/", null);
        assertTrue(client.take().get(0).startsWith("0{\"sid\":"));
        return client;
    }

    @Test
    void aReturnValueThatCannotBeEncodedAcksInternalError() {
        SocketLayer.TestClient client = serve((socket, event, error) -> reported.add(error));
        client.send("21[\"plain\"]");
        assertEquals(List.of("31" + INTERNAL_ERROR), client.take());
        assertEquals(1, reported.size(), reported::toString);
    }

    @Test
    void aStageValueThatCannotBeEncodedAcksInternalErrorAndIsReported() {
        SocketLayer.TestClient client = serve((socket, event, error) -> reported.add(error));
        client.send("22[\"later\"]");
        assertEquals(List.of("32" + INTERNAL_ERROR), client.take());
        assertEquals(1, reported.size(), reported::toString);
    }

    @Test
    void aThrowingErrorHandlerStillLetsTheErrorAckOut() {
        SocketLayer.TestClient client = serve((socket, event, error) -> {
            reported.add(error);
            throw new IllegalStateException("the error handler fails too");
        });
        client.send("23[\"later\"]");
        client.send("24[\"failsLater\"]");
        client.send("25[\"plain\"]");
        assertEquals(List.of("33" + INTERNAL_ERROR, "34" + INTERNAL_ERROR, "35" + INTERNAL_ERROR), client.take());
    }

    @Test
    void aThrowingErrorHandlerDoesNotSpareABadEventItsAckAndItsClose() {
        SocketLayer.TestClient client = serve((socket, event, error) -> {
            throw new IllegalStateException("the error handler fails");
        }, ConnectionOptions.builder().onBadEvent(ConnectionOptions.BadEventAction.CLOSE_CONNECTION).build());
        client.send("26[\"add\",1]");
        List<String> sent = client.take();
        assertEquals("36[{\"error\":\"bad_arguments\",\"message\":"
                + "\"missing argument 2 (int b); expected add(int a, int b)\"}]", sent.get(0), sent::toString);
        assertTrue(layer.server.of("/").sockets().isEmpty(), "the connection closed: " + sent);
    }
}
