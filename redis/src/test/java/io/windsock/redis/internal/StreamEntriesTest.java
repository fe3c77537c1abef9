package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.adapter.BroadcastOptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Stream entries as {@code @socket.io/redis-streams-adapter} 0.3.1 writes them (fixtures taken from Node's
 * adapter on a real Redis: {@code io.to("room1").except("room2").emit("hello", "world", 1, {a: true})},
 * {@code io.emit("bin", Buffer.from([1, 2, 3]))}, {@code io.volatile.emit("vol", "x")}).
 */
class StreamEntriesTest {
    private static final String UID = "48914968fbaf7038";
    private static final String HELLO = "{\"packet\":{\"type\":2,\"data\":[\"hello\",\"world\",1,{\"a\":true}]},"
            + "\"opts\":{\"rooms\":[\"room1\"],\"except\":[\"room2\"],\"flags\":{}}}";
    private static final String BIN = "gqZwYWNrZXSCpHR5cGUCpGRhdGGSo2JpbsQDAQIDpG9wdHODpXJvb21zkKZleGNlcHSQpWZsYWdzgA==";
    private static final String VOL = "{\"packet\":{\"type\":2,\"data\":[\"vol\",\"x\"]},"
            + "\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{\"volatile\":true}}}";

    private final ClusterCodec codec = new ClusterCodec(new ObjectMapper());

    @Test
    void readsNodesEntries() {
        ClusterMessage hello = StreamEntries.decode(entry(UID, "/", "3", HELLO));
        assertEquals(ClusterMessageType.BROADCAST, hello.type());
        assertEquals(UID, hello.uid());
        assertEquals("/", hello.nsp());
        assertEquals(List.of("hello", "world", 1, Map.of("a", true)), Messages.map(hello.get("packet")).get("data"));
        BroadcastOptions options = Messages.readOptions(hello.get("opts"));
        assertEquals(Set.of("room1"), options.rooms());
        assertEquals(Set.of("room2"), options.except());

        ClusterMessage bin = StreamEntries.decode(entry(UID, "/", "3", BIN));
        List<?> data = (List<?>) Messages.map(bin.get("packet")).get("data");
        assertEquals("bin", data.get(0));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) data.get(1));

        ClusterMessage vol = StreamEntries.decode(entry(UID, "/", "3", VOL));
        assertEquals(true, Messages.readOptions(vol.get("opts")).volatileFlag());
    }

    @Test
    void writesWhatNodeWrites() {
        ClusterMessage hello = new ClusterMessage(ClusterMessageType.BROADCAST, UID, "/", Messages.object(
                "packet", Messages.object("type", 2, "data", List.of("hello", "world", 1, Map.of("a", true))),
                "opts", Messages.options(new BroadcastOptions(Set.of("room1"), Set.of("room2"), false, true, false, null),
                        null)));
        assertEquals(fields(entry(UID, "/", "3", HELLO)), fields(StreamEntries.encode(codec, hello)));

        ClusterMessage bin = new ClusterMessage(ClusterMessageType.BROADCAST, UID, "/", Messages.object(
                "packet", Messages.object("type", 2, "data", List.of("bin", new byte[] {1, 2, 3})),
                "opts", Messages.options(BroadcastOptions.ALL, null)));
        assertEquals(fields(entry(UID, "/", "3", BIN)), fields(StreamEntries.encode(codec, bin)));
    }

    @Test
    void aMessageWithoutDataHasNoDataField() {
        ClusterMessage close = new ClusterMessage(ClusterMessageType.ADAPTER_CLOSE, UID, "/", null);
        assertEquals(Map.of("uid", UID, "nsp", "/", "type", "13"), fields(StreamEntries.encode(codec, close)));
    }

    @Test
    void entriesThatAreNoMessagesAreSkippedAndMalformedDataIsRefused() {
        assertNull(StreamEntries.decode(entry(UID, "", "3", HELLO)), "no namespace: Node's reader skips it");
        assertNull(StreamEntries.decode(entry(UID, "/", "99", HELLO)), "an unknown type");
        assertNull(StreamEntries.decode(entry(UID, "/", "x", HELLO)), "a type that is no number");
        assertThrows(IllegalArgumentException.class, () -> StreamEntries.decode(entry(UID, "/", "3", "{\"packet\":")));
        assertThrows(IllegalArgumentException.class, () -> StreamEntries.decode(entry(UID, "/", "3", "***")));
    }

    @Test
    void namespacesAreSpreadOverStreamsAsNodeSpreadsThem() {
        // Node's hashCode(name) % 3 for these names: 2, 1, 1, 1 (a negative hash keeps its sign in both)
        StreamsSettings settings = new StreamsSettings("socket.io", "s", 3, 10, "sio:session:", false);
        assertEquals("s-2", settings.streamOf("/"));
        assertEquals("s-1", settings.streamOf("/chat"));
        assertEquals("s-1", settings.streamOf("/admin"));
        assertEquals("s-1", settings.streamOf("/é"));
        assertEquals("s", new StreamsSettings("socket.io", "s", 1, 10, "sio:session:", false).streamOf("/chat"));
    }

    private static Map<byte[], byte[]> entry(String uid, String nsp, String type, String data) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        fields.put(bytes("uid"), bytes(uid));
        fields.put(bytes("nsp"), bytes(nsp));
        fields.put(bytes("type"), bytes(type));
        fields.put(bytes("data"), bytes(data));
        return fields;
    }

    private static Map<String, String> fields(Map<byte[], byte[]> raw) {
        Map<String, String> fields = new LinkedHashMap<>();
        raw.forEach((k, v) -> fields.put(new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
        return fields;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
