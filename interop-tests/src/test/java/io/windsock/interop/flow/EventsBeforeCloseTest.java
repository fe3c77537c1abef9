package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.server.DisconnectReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events that arrived before a disconnect are handled, in order, and only then does the socket's
 * close run, once: on the real handler pool and two event loops, for a client DISCONNECT and for a
 * dropped connection, with listeners and with a connection class.
 */
class EventsBeforeCloseTest {
    private static final List<String> FIVE_SAVES = List.of(
            "42[\"save\",0]", "42[\"save\",1]", "42[\"save\",2]", "42[\"save\",3]", "42[\"save\",4]");

    @RegisterExtension
    final Interop interop = new Interop();

    @RepeatedTest(3)
    void aClientDisconnectWaitsForTheEventsBeforeIt() {
        Mailbox<List<String>> seen = serveWithListeners();
        try (RawSocketIo client = RawSocketIo.connect(port)) {
            List<String> packets = new ArrayList<>(FIVE_SAVES);
            packets.add("41");
            client.sendAll(packets);
            assertEquals(List.of("save 0", "save 1", "save 2", "save 3", "save 4",
                    "disconnect " + DisconnectReason.CLIENT_NAMESPACE_DISCONNECT), seen.take());
        }
    }

    @RepeatedTest(3)
    void aDroppedConnectionWaitsForTheEventsBeforeIt() {
        Mailbox<List<String>> seen = serveWithListeners();
        RawSocketIo client = RawSocketIo.connect(port);
        client.sendAll(FIVE_SAVES);
        client.close();
        assertEquals(List.of("save 0", "save 1", "save 2", "save 3", "save 4",
                "disconnect " + DisconnectReason.TRANSPORT_CLOSE), seen.take());
    }

    @RepeatedTest(3)
    void aConnectionClassSeesTheSameOrder() {
        Mailbox<List<String>> seen = interop.mailbox("handled");
        Windsock server = interop.server(o -> o.ioThreads(2));
        port = server.port();
        Connections.serve(server.of("/"), () -> new Saver(seen));
        try (RawSocketIo client = RawSocketIo.connect(port)) {
            List<String> packets = new ArrayList<>(FIVE_SAVES);
            packets.add("41");
            client.sendAll(packets);
            assertEquals(List.of("save 0", "save 1", "save 2", "save 3", "save 4",
                    "close " + DisconnectReason.CLIENT_NAMESPACE_DISCONNECT), seen.take());
        }
    }

    private int port;

    /** A server whose "save" takes 100 ms; the disconnect listener hands over what ran, in order. */
    private Mailbox<List<String>> serveWithListeners() {
        Mailbox<List<String>> seen = interop.mailbox("handled");
        Windsock server = interop.server(o -> o.ioThreads(2));
        port = server.port();
        server.of("/").onConnection(socket -> {
            List<String> handled = Collections.synchronizedList(new ArrayList<>());
            socket.on("save", (args, ack) -> {
                Thread.sleep(100); // a slow handler: the disconnect arrives while these wait
                handled.add("save " + args.get(0));
            });
            socket.onDisconnect(reason -> {
                handled.add("disconnect " + reason);
                seen.put(List.copyOf(handled));
            });
        });
        return seen;
    }

    /** The connection-class form of the same slow handler. */
    public static final class Saver extends SocketConnection {
        private final Mailbox<List<String>> seen;
        private final List<String> handled = Collections.synchronizedList(new ArrayList<>());

        Saver(Mailbox<List<String>> seen) {
            this.seen = seen;
        }

        @Event
        public void save(int n) throws InterruptedException {
            Thread.sleep(100);
            handled.add("save " + n);
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            handled.add("close " + reason);
            seen.put(List.copyOf(handled));
        }
    }
}
