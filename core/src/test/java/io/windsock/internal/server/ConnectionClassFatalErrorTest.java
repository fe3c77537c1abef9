package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.DisconnectReason;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.CapturedStderr;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code VirtualMachineError} from a connection class's handler or {@code onClose} is reported once
 * and thrown on, as from a functional listener, instead of being swallowed; a handler's client still
 * gets its error ack. Thrown on, it reaches the socket's executor, which logs it. (slf4j-simple writes
 * to System.err, looked up at each line.)
 */
class ConnectionClassFatalErrorTest {
    private static final String THROWN_ON = "uncaught exception in a connection task";

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private SocketLayer.TestClient client;

    public static class Deep extends SocketConnection {
        @Event
        public void deep() {
            throw new StackOverflowError("handler");
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            throw new StackOverflowError("onClose");
        }
    }

    @BeforeEach
    void setUp() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder()
                .errorHandler((socket, event, error) -> reported.add(event + ": " + error)).build());
        Connections.serve(layer.server.of("/"), Deep::new);
        client = layer.connect("/", null);
        assertTrue(client.take().get(0).startsWith("0{\"sid\":"));
    }

    private String log() {
        return stderr.text();
    }

    @Test
    void aHandlersVirtualMachineErrorIsReportedOnceAndThrownOnAfterTheErrorAck() {
        client.send("21[\"deep\"]");
        assertEquals(List.of("31[{\"error\":\"internal_error\",\"message\":\"internal error\"}]"), client.take());
        assertEquals(List.of("deep: java.lang.StackOverflowError: handler"), reported);
        String log = log();
        assertTrue(log.contains(THROWN_ON) && log.contains("StackOverflowError: handler"), log);
    }

    @Test
    void onClosesVirtualMachineErrorIsReportedOnceAndThrownOn() {
        client.drop();
        assertEquals(List.of("disconnect: java.lang.StackOverflowError: onClose"), reported);
        String log = log();
        assertTrue(log.contains(THROWN_ON) && log.contains("StackOverflowError: onClose"), log);
    }
}
