package io.windsock.interop.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.NodeProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** socket.io-client 0.9.16 in Node ({@code scripts/sio09-driver.js}), one process, sockets by id. */
public final class Sio09Client {
    public static final String SCRIPT = "scripts/sio09-driver.js";
    private final NodeProcess process;

    public Sio09Client(Interop interop) {
        this.process = interop.script(SCRIPT, Map.of());
    }

    public NodeProcess process() {
        return process;
    }

    /** Connects a socket to {@code url} over one transport, listening to {@code events}. */
    public void connect(String id, String url, String transport, boolean reconnect, String... events) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("op", "connect");
        command.put("id", id);
        command.put("url", url);
        command.put("transport", transport);
        command.put("reconnect", reconnect);
        command.put("events", List.of(events));
        process.send(command);
    }

    /** Another endpoint on a socket. */
    public void of(String id, String parent, String namespace, String... events) {
        process.send(Map.of("op", "of", "id", id, "parent", parent, "namespace", namespace, "events", List.of(events)));
    }

    public void emit(String id, String name, Object... args) {
        process.send(Map.of("op", "emit", "id", id, "name", name, "args", List.of(args)));
    }

    /** Emits with a callback; returns its number, as the "ack" line names it. */
    public int emitWithAck(String id, String name, Object... args) {
        process.send(Map.of("op", "emit", "id", id, "name", name, "args", List.of(args), "ack", true));
        return expect(id, "sent").get("seq").asInt();
    }

    /**
     * Emits with a callback and returns at once: a "sent" line with the emit's number, and later its
     * "ack" line, come in order with the socket's other lines.
     */
    public void emitWithAckLater(String id, String name, Object... args) {
        process.send(Map.of("op", "emit", "id", id, "name", name, "args", List.of(args), "ack", true));
    }

    public void send(String id, Object data, boolean json) {
        process.send(Map.of("op", "send", "id", id, "data", data, "json", json));
    }

    public int sendWithAck(String id, Object data, boolean json) {
        process.send(Map.of("op", "send", "id", id, "data", data, "json", json, "ack", true));
        return expect(id, "sent").get("seq").asInt();
    }

    public void answer(String id, String key, Object... args) {
        process.send(Map.of("op", "answer", "id", id, "key", key, "args", List.of(args)));
    }

    public void disconnect(String id) {
        process.send(Map.of("op", "disconnect", "id", id));
    }

    /** @return the socket's next line, which must be of this type. */
    public JsonNode expect(String id, String type) {
        JsonNode line = process.mailbox(id).take(l -> type.equals(l.path("type").asText()), "a '" + type + "' line");
        return line;
    }

    /** @return the type of the socket's next line. */
    public String next(String id) {
        return process.mailbox(id).take().path("type").asText();
    }

    /** @return the next event, which must be {@code name}. */
    public JsonNode expectEvent(String id, String name) {
        JsonNode event = expect(id, "event");
        assertEquals(name, event.get("name").asText(), event.toString());
        return event;
    }

    /** @return the arguments of the ack numbered {@code seq}, the socket's next line. */
    public JsonNode expectAck(String id, int seq) {
        JsonNode ack = expect(id, "ack");
        assertEquals(seq, ack.get("seq").asInt(), ack.toString());
        return ack.get("args");
    }
}
