package io.windsock.interop.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One client socket of a {@link NodeClient}. Everything it sees arrives in order; the {@code expect}
 * methods take the next thing and fail if it is not what the test says (so nothing goes unnoticed),
 * each wait bounded by {@link Mailbox#DEFAULT_TIMEOUT}.
 */
public final class ClientSocket {
    private final NodeClient client;
    private final String name;

    ClientSocket(NodeClient client, String name) {
        this.client = client;
        this.name = name;
    }

    public String name() {
        return name;
    }

    // ---- what the socket saw ----

    /** @return the next thing this socket saw, whatever it is. */
    public ClientEvent next() {
        return new ClientEvent(client.mailbox(this).take());
    }

    public ClientEvent next(Duration timeout) {
        return new ClientEvent(client.mailbox(this).take(timeout));
    }

    /** @return the next thing this socket saw, which must be of this type. */
    public ClientEvent expect(String type) {
        ClientEvent event = next();
        assertEquals(type, event.type(), () -> name + ": expected " + type + ", got " + event);
        return event;
    }

    /** Waits for the {@code connect} and returns the socket id the server gave. */
    public String expectConnect() {
        return expect("connect").id();
    }

    /** @return the next thing seen, which must be the server's event {@code name}. */
    public ClientEvent expectEvent(String event) {
        ClientEvent seen = expect("event");
        assertEquals(event, seen.event(), () -> name + ": expected event " + event + ", got " + seen);
        return seen;
    }

    /** Waits for a {@code disconnect} and returns its reason. */
    public String expectDisconnect() {
        return expect("disconnect").reason();
    }

    /** @return the next thing seen, which must be a {@code connect_error}. */
    public ClientEvent expectConnectError() {
        return expect("connect_error");
    }

    /** Fails if this socket saw anything the test has not taken. */
    public void assertNothingMore() {
        client.mailbox(this).assertEmpty();
    }

    /** @return the things seen and not taken yet, removed (for tests that don't care). */
    public List<JsonNode> drain() {
        return client.mailbox(this).drain();
    }

    // ---- what the socket does ----

    /** {@code socket.emit(event, ...args)}; {@code byte[]} arguments arrive as Buffers. */
    public void emit(String event, Object... args) {
        client.send("emit", this, Map.of("event", event, "args", Arrays.asList(args)));
    }

    /**
     * {@code socket.emit(event, ...args, callback)} and waits for the callback; the next thing this
     * socket sees must be the ack.
     *
     * @return the arguments the server acknowledged with
     */
    public ClientEvent emitWithAck(String event, Object... args) {
        int seq = emitWithAckLater(event, null, args);
        return expectAck(seq);
    }

    /**
     * Emits with a callback and returns at once; take the answer with {@link #expectAck(int)}.
     *
     * @param timeout {@code socket.timeout(ms)}, or {@code null} for none
     * @return the sequence number the ack will carry
     */
    public int emitWithAckLater(String event, Duration timeout, Object... args) {
        int seq = client.nextSeq();
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("event", event);
        fields.put("args", Arrays.asList(args));
        fields.put("ack", true);
        fields.put("seq", seq);
        if (timeout != null) {
            fields.put("timeout", timeout.toMillis());
        }
        client.send("emit", this, fields);
        return seq;
    }

    /** @return the next thing seen, which must be the ack of emit {@code seq}. */
    public ClientEvent expectAck(int seq) {
        ClientEvent ack = expect("ack");
        assertEquals(seq, ack.seq(), () -> name + ": expected the ack of emit " + seq + ", got " + ack);
        return ack;
    }

    /** Answers an event the server sent with {@code emitWithAck}. */
    public void ack(ClientEvent event, Object... args) {
        if (!event.wantsAck()) {
            throw new AssertionError("the server asked no ack for " + event);
        }
        client.send("ack", this, Map.of("ackId", event.ackId(), "args", Arrays.asList(args)));
    }

    /** {@code socket.disconnect()}: the client leaves the namespace; it sees {@code io client disconnect}. */
    public void disconnect() {
        client.send("disconnect", this, Map.of());
    }

    /** {@code socket.connect()} again after a disconnect. */
    public void reconnect() {
        client.send("connect", this, Map.of());
    }

    /** @return the name of the transport the connection uses now. */
    public String transport() {
        return query("transport", Map.of()).json().path("name").asText();
    }

    /** Waits until the connection has upgraded to WebSocket. */
    public void awaitUpgrade() {
        query("awaitUpgrade", Map.of());
    }

    /** Waits until the connection has received {@code count} more pings from the server. */
    public void awaitPings(int count) {
        query("awaitPings", Map.of("count", count));
    }

    private ClientEvent query(String op, Map<String, ?> fields) {
        int seq = client.nextSeq();
        Map<String, Object> command = new java.util.LinkedHashMap<>(fields);
        command.put("seq", seq);
        client.send(op, this, command);
        ClientEvent reply = expect("reply");
        assertEquals(seq, reply.seq(), () -> name + ": expected the reply to " + op + ", got " + reply);
        return reply;
    }

    @Override
    public String toString() {
        return "ClientSocket[" + name + "]";
    }
}
