package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.adapter.BroadcastOptions;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The message codec against bytes the Node adapter's encoder (notepack.io 3.0, as
 * {@code @socket.io/redis-adapter} 8.3 uses it) produced for the same values.
 */
class WireCodecTest {
    /** notepack.encode(["abc123", {type: 2, data: ["hello", "world", 1, 1.5, true, null, {a: [1, 2]}], nsp: "/"},
     *  {rooms: [], except: [], flags: {}}]) */
    private static final String BROADCAST = "93a661626331323383a47479706502a46461746197a568656c6c6fa5776f726c6401"
            + "cb3ff8000000000000c3c081a161920102a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380";
    /** notepack.encode(["abc123", {type: 2, data: ["ev", Buffer.from([1, 2, 3])], nsp: "/chat"},
     *  {rooms: ["r1"], except: ["x"], flags: {volatile: true, compress: false}}]) */
    private static final String ROOM_BINARY = "93a661626331323383a47479706502a46461746192a26576c403010203a36e7370a5"
            + "2f6368617483a5726f6f6d7391a27231a665786365707491a178a5666c61677382a8766f6c6174696c65c3a8636f6d7072"
            + "657373c2";
    /** notepack.encode({uid: "abc123", requestId: "xyz789", type: 7, packet: {type: 2, data: ["ask", 42], nsp: "/"},
     *  opts: {rooms: [], except: [], flags: {timeout: 1000}}}) */
    private static final String BROADCAST_REQUEST = "85a3756964a6616263313233a9726571756573744964a678797a373839a4"
            + "7479706507a67061636b657483a47479706502a46461746192a361736b2aa36e7370a12fa46f70747383a5726f6f6d7390a6"
            + "65786365707490a5666c61677381a774696d656f7574cd03e8";
    /** notepack.encode({type: 9, requestId: "xyz789", packet: "ok"}) */
    private static final String BROADCAST_ACK = "83a47479706509a9726571756573744964a678797a373839a67061636b6574a26f6b";
    /** notepack.encode([undefined, {a: undefined, b: 1}]): undefined is nil in an array, left out of a map */
    private static final String UNDEFINED = "92c081a16201";
    /** notepack.encode([300, 70000, -1, -200, 5000000000, "x".repeat(40)]) */
    private static final String NUMBERS = "96cd012cce00011170ffd1ff38cf000000012a05f200d928"
            + "78787878787878787878787878787878787878787878787878787878787878787878787878787878";

    private final WireCodec codec = new WireCodec(new ObjectMapper());

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static <T> Set<T> ordered(List<T> items) {
        return new LinkedHashSet<>(items);
    }

    @Test
    void encodesABroadcastAsNodeDoes() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", List.of(1, 2));
        List<Object> data = Arrays.asList("hello", "world", 1, 1.5, true, null, object);
        byte[] encoded = codec.msgpack(Arrays.asList("abc123", Messages.packet(data, "/"),
                Messages.options(BroadcastOptions.ALL, null)));
        assertEquals(BROADCAST, HexFormat.of().formatHex(encoded));
    }

    @Test
    void encodesARoomBroadcastWithBinaryAndFlagsAsNodeDoes() {
        BroadcastOptions options = new BroadcastOptions(Set.of("r1"), Set.of("x"), true, false, false, null);
        byte[] encoded = codec.msgpack(Arrays.asList("abc123",
                Messages.packet(List.of("ev", new byte[] {1, 2, 3}), "/chat"), Messages.options(options, null)));
        assertEquals(ROOM_BINARY, HexFormat.of().formatHex(encoded));
    }

    @Test
    void encodesABroadcastRequestAndAnAckAsNodeDoes() {
        byte[] request = codec.msgpack(Messages.object("uid", "abc123", "requestId", "xyz789",
                "type", RequestType.BROADCAST.code(), "packet", Messages.packet(List.of("ask", 42), "/"),
                "opts", Messages.options(BroadcastOptions.ALL, Duration.ofSeconds(1))));
        assertEquals(BROADCAST_REQUEST, HexFormat.of().formatHex(request));
        byte[] ack = codec.msgpack(Messages.object("type", RequestType.BROADCAST_ACK.code(),
                "requestId", "xyz789", "packet", "ok"));
        assertEquals(BROADCAST_ACK, HexFormat.of().formatHex(ack));
    }

    @Test
    void decodesNodesBroadcast() {
        List<Object> message = Messages.list(WireCodec.decode(hex(ROOM_BINARY)));
        assertEquals("abc123", message.get(0));
        Map<String, Object> packet = Messages.map(message.get(1));
        assertEquals(2, packet.get("type"));
        assertEquals("/chat", packet.get("nsp"));
        List<Object> data = Messages.list(packet.get("data"));
        assertEquals("ev", data.get(0));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) data.get(1));
        BroadcastOptions options = Messages.readOptions(message.get(2));
        assertEquals(Set.of("r1"), options.rooms());
        assertEquals(Set.of("x"), options.except());
        assertTrue(options.volatileFlag());
        assertFalse(options.compress());
        assertTrue(options.local(), "a broadcast from another node is delivered locally only");
    }

    @Test
    void decodesValuesOfEveryKind() {
        List<Object> data = Messages.list(Messages.map(Messages.list(WireCodec.decode(hex(BROADCAST))).get(1))
                .get("data"));
        List<Object> expected = new ArrayList<>(Arrays.asList("hello", "world", 1, 1.5, true, null,
                Map.of("a", List.of(1, 2))));
        assertEquals(expected, data);
        assertEquals(Arrays.asList(null, Map.of("b", 1)), WireCodec.decode(hex(UNDEFINED)));
        assertEquals(List.of(300, 70000, -1, -200, 5000000000L, "x".repeat(40)), WireCodec.decode(hex(NUMBERS)));
        assertEquals(NUMBERS, HexFormat.of().formatHex(codec.msgpack(
                List.of(300, 70000, -1, -200, 5000000000L, "x".repeat(40)))));
    }

    @Test
    void tellsJsonFromMsgpackByTheFirstByte() {
        Map<String, Object> json = Messages.map(WireCodec.decode(
                "{\"uid\":\"n1\",\"type\":6,\"data\":[\"hi\",1]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(RequestType.SERVER_SIDE_EMIT, RequestType.of(json.get("type")));
        assertEquals(List.of("hi", 1), json.get("data"));
        Map<String, Object> msgpack = Messages.map(WireCodec.decode(hex(BROADCAST_ACK)));
        assertEquals(RequestType.BROADCAST_ACK, RequestType.of(msgpack.get("type")));
        assertEquals("ok", msgpack.get("packet"));
    }

    @Test
    void writesJsonRequestsWithNodesFieldNames() {
        BroadcastOptions options = new BroadcastOptions(ordered(List.of("a")), ordered(List.of("b")), false, true,
                false, null);
        byte[] json = codec.json(Messages.object("uid", "u1", "type", RequestType.REMOTE_JOIN.code(),
                "opts", Messages.selection(options), "rooms", List.of("c")));
        assertEquals("{\"uid\":\"u1\",\"type\":2,\"opts\":{\"rooms\":[\"a\"],\"except\":[\"b\"]},\"rooms\":[\"c\"]}",
                new String(json, StandardCharsets.UTF_8));
    }

    /** {@code JSON.stringify({d: [NaN, Infinity, 0.1], f: -Infinity})} in Node; msgpack keeps the infinity. */
    @Test
    void writesNonFiniteNumbersInJsonAsNodeDoes() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("d", new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0.1});
        value.put("f", Float.NEGATIVE_INFINITY);
        assertEquals("{\"d\":[null,null,0.1],\"f\":null}", new String(codec.json(value), StandardCharsets.UTF_8));
        assertEquals(List.of(Double.POSITIVE_INFINITY, 0.5),
                WireCodec.decode(codec.msgpack(List.of(Double.POSITIVE_INFINITY, 0.5f))));
    }

    @Test
    void readsNumericRoomsAsText() {
        assertEquals(Set.of("42", "x"), Messages.rooms(List.of(42, "x")));
        assertNull(Messages.roomName(Map.of()));
    }

    @Test
    void malformedMessagesFailClearly() {
        assertThrows(UncheckedIOException.class, () -> WireCodec.decode(new byte[] {'{', 'x'}));
        assertThrows(UncheckedIOException.class, () -> WireCodec.decode(new byte[] {(byte) 0x92, 0x01}));
        assertNull(RequestType.of(99));
        assertNull(RequestType.of("2"));
    }

    /**
     * Anyone who can publish on the channels can send these: a header declaring a 2 GB string, bin or
     * extension (the decoder allocated it before looking for the bytes) and arrays nested 20,000 deep
     * (a few kilobytes that overflowed the stack of the thread reading from Redis). Each is refused as
     * malformed, before any allocation of its declared size.
     */
    @Test
    void hostileLengthsAndNestingAreMalformedNotAllocatedOrRecursed() {
        for (String header : List.of("c67ffffff0", "db7ffffff0", "c97ffffff001", "dd7ffffff0", "df7ffffff0",
                "c5ffff", "da0010", "c9", "9301")) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> WireCodec.decode(hex(header)), header);
            assertTrue(e.getMessage().contains("msgpack"), e::getMessage);
        }
        byte[] deep = new byte[20_001];
        Arrays.fill(deep, (byte) 0x91);
        deep[deep.length - 1] = (byte) 0xc0;
        assertThrows(UncheckedIOException.class, () -> WireCodec.decode(deep));
        assertThrows(UncheckedIOException.class, () -> WireCodec.decode(new byte[] {(byte) 0xc1}), "never used");
        // As deep as allowed still decodes: 1,000 nested arrays around a nil.
        byte[] allowed = new byte[MsgpackCheck.MAX_DEPTH + 1];
        Arrays.fill(allowed, (byte) 0x91);
        allowed[allowed.length - 1] = (byte) 0xc0;
        Object value = WireCodec.decode(allowed);
        for (int i = 0; i < MsgpackCheck.MAX_DEPTH; i++) {
            value = ((List<?>) value).get(0);
        }
        assertNull(value);
    }

    /**
     * JSON messages (every request and answer of the classic adapter, and the sharded adapter's messages
     * without binary) with one string of 25,000,000 characters or a key of 60,000: Node's JSON.parse takes
     * them, and so does the msgpack path here. Jackson's default limits (20,000,000 and 50,000) dropped them
     * as malformed, without a word above DEBUG. A string or a key cannot outgrow the message that holds it.
     */
    @Test
    void longStringsAndKeysInJsonAreTakenAsNodeTakesThem() {
        String text = "x".repeat(25_000_000);
        String name = "k".repeat(60_000);
        byte[] message = codec.json(Map.of("type", 6, "uid", "u", "data", List.of("ev", text, Map.of(name, 1))));
        Map<String, Object> decoded = Messages.map(WireCodec.decode(message));
        List<Object> data = Messages.list(decoded.get("data"));
        assertEquals(text, data.get(1));
        assertEquals(Map.of(name, 1), data.get(2));
    }

    /** A remote broadcast's ack timeout is bounded: whoever publishes sets it, and this node keeps acks that long. */
    @Test
    void aRemoteAckTimeoutIsClampedToAnHour() {
        assertEquals(Duration.ofMillis(1000), timeoutOf(1000));
        assertEquals(Messages.MAX_ACK_TIMEOUT, timeoutOf(86_400_000L * 365));
        assertEquals(Messages.MAX_ACK_TIMEOUT, timeoutOf(1e16)); // past a Duration's nanoseconds
        assertEquals(Messages.MAX_ACK_TIMEOUT, timeoutOf(Double.POSITIVE_INFINITY));
        assertEquals(Duration.ZERO, timeoutOf(-5));
        assertEquals(Duration.ZERO, timeoutOf(Double.NaN));
    }

    private static Duration timeoutOf(Number millis) {
        return Messages.readOptions(Map.of("flags", Map.of("timeout", millis))).timeout();
    }
}
