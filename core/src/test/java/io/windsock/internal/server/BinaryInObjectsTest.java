package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outgoing binary is an attachment whatever the value's type: a {@code byte[]} in a record, a POJO,
 * a list of records or a JSON tree goes out exactly as the same bytes in a map do, in emits, acks
 * and broadcasts (the broadcast encoded once for every recipient).
 */
class BinaryInObjectsTest {
    public record File(String name, byte[] data) {
    }

    /** A plain bean: getters, no annotations. */
    public static class Photo {
        private final byte[] thumb;
        private final ByteBuffer full;

        Photo(byte[] thumb, ByteBuffer full) {
            this.thumb = thumb;
            this.full = full;
        }

        public byte[] getThumb() {
            return thumb;
        }

        public ByteBuffer getFull() {
            return full;
        }
    }

    public record Album(String title, List<File> files) {
    }

    public static class Files extends SocketConnection {
        @Event
        public File fetch(String name) {
            return new File(name, new byte[]{7, 7});
        }
    }

    private static final String FILE_TEXT = "{\"name\":\"a\",\"data\":{\"_placeholder\":true,\"num\":0}}";

    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
    private Socket socket;

    private SocketLayer.TestClient connect() {
        layer.server.of("/").onConnection(s -> socket = s);
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take();
        return client;
    }

    /** @return the text packet, then each attachment as "bin:" and its bytes. */
    private static List<String> wire(SocketLayer.TestClient client) {
        List<String> out = new ArrayList<>();
        for (EnginePacket packet : client.takeRaw()) {
            if (packet.text() != null) {
                out.add(packet.text());
            } else {
                out.add("bin:" + java.util.Arrays.toString(packet.binary()));
            }
        }
        return out;
    }

    @Test
    void aRecordAPojoAMapAndATreeCarryBinaryTheSameWay() {
        SocketLayer.TestClient client = connect();
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("name", "a");
        map.put("data", new byte[]{1, 2});
        socket.emit("e", map);
        List<String> asMap = wire(client);
        socket.emit("e", new File("a", new byte[]{1, 2}));
        assertEquals(asMap, wire(client), "a record goes out as the map does");
        assertEquals(List.of("51-[\"e\"," + FILE_TEXT + "]", "bin:[1, 2]"), asMap);

        socket.emit("e", new Photo(new byte[]{3}, ByteBuffer.wrap(new byte[]{9, 4, 5, 9}, 1, 2)));
        assertEquals(List.of("52-[\"e\",{\"thumb\":{\"_placeholder\":true,\"num\":0},"
                + "\"full\":{\"_placeholder\":true,\"num\":1}}]", "bin:[3]", "bin:[4, 5]"), wire(client));

        socket.emit("e", new Album("t", List.of(new File("x", new byte[]{1}), new File("y", new byte[]{2}))));
        assertEquals(List.of("52-[\"e\",{\"title\":\"t\",\"files\":[{\"name\":\"x\",\"data\":{\"_placeholder\":true,"
                + "\"num\":0}},{\"name\":\"y\",\"data\":{\"_placeholder\":true,\"num\":1}}]}]", "bin:[1]", "bin:[2]"),
                wire(client), "nested lists of records");

        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("name", "a");
        tree.put("data", new byte[]{1, 2});
        socket.emit("e", tree);
        assertEquals(asMap, wire(client), "a JSON tree's binary node too");
    }

    @Test
    void valuesWithoutBinaryAreUnchanged() {
        SocketLayer.TestClient client = connect();
        socket.emit("e", new Album("t", List.of()), 1.5f, List.of(1, "x"));
        assertEquals(List.of("2[\"e\",{\"title\":\"t\",\"files\":[]},1.5,[1,\"x\"]]"), wire(client));
    }

    @Test
    void aBroadcastAndAnAckCarryBinaryInRecords() {
        Connections.serve(layer.server.of("/files"), Files::new);
        SocketLayer.TestClient first = layer.connect("/files", null);
        SocketLayer.TestClient second = layer.connect("/files", null);
        first.take();
        second.take();
        layer.server.of("/files").emit("news", new File("a", new byte[]{1, 2}));
        List<String> expected = List.of("51-/files,[\"news\"," + FILE_TEXT + "]", "bin:[1, 2]");
        assertEquals(expected, wire(first));
        assertEquals(expected, wire(second));

        first.send("2/files,4[\"fetch\",\"b\"]");
        assertEquals(List.of("61-/files,4[{\"name\":\"b\",\"data\":{\"_placeholder\":true,\"num\":0}}]", "bin:[7, 7]"),
                wire(first), "a handler's record return value, as a binary ack");
    }

    @Test
    void theAttachmentsAreCopiesOfTheApplicationsBytes() {
        SocketLayer.TestClient client = connect();
        byte[] data = {1, 2};
        socket.emit("e", new File("a", data));
        List<EnginePacket> raw = client.takeRaw();
        data[0] = 9;
        assertArrayEquals(new byte[]{1, 2}, raw.get(1).binary());
    }
}
