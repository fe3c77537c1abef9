package io.windsock.interop.sio1;

import io.windsock.connection.Args;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.Mailbox;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import java.time.Duration;

/**
 * The connection class the protocol-1 tests drive: events by position and by name, acks with '+'
 * in their data, messages echoed (strings as type 3, anything else as type 4), a server-side
 * question the client acks, and every close reported as {@code "<namespace> <reason>"}.
 */
public class Sio1Chat extends SocketConnection {
    private final Mailbox<String> closes;

    public Sio1Chat(Mailbox<String> closes) {
        this.closes = closes;
    }

    @Override
    protected boolean onOpen(Handshake handshake) {
        return !"no".equals(handshake.query("let"));
    }

    @Event
    public void hello(String name) {
        emit("thanks", Args.named("name", name));
        emit("hello", name, "foobar");
    }

    @Event
    public int add(int a, int b) {
        return a + b;
    }

    @Event
    public String twice(String text) {
        return text + "+" + text;
    }

    @Event
    public void ask(String question) {
        emitWithAck(Duration.ofSeconds(10), "question", question)
                .thenAccept(reply -> emit("answered", reply.toArray()));
    }

    @Event
    public String where() {
        return socket().namespace().name() + " " + socket().transport();
    }

    @Override
    protected void onMessage(Object message) {
        send(message);
    }

    @Override
    protected void onClose(DisconnectReason reason) {
        closes.put(socket().namespace().name() + " " + reason.wire());
    }
}
