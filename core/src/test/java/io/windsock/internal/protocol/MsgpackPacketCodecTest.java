package io.windsock.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.SocketDecodeException.Reason;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Wire fixtures of {@code socket.io-msgpack-parser} 3.0.2: the bytes its notepack.io 2.2 writes for the
 * packets the Node server and socket.io-client 4.8 build (keys in their order, the client's
 * {@code options} included).
 */
class MsgpackPacketCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long NO_ID = SocketPacket.NO_ID;

    private final MsgpackPacketCodec codec = new MsgpackPacketCodec(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);

    private static SocketPacket event(String namespace, long id, Object... args) {
        return new SocketPacket(SocketPacketType.EVENT, namespace, id, new ArrayList<>(Arrays.asList(args)));
    }

    private void assertWritten(String hex, SocketPacket packet) {
        assertEquals(hex, HEX.formatHex(codec.encode(packet)));
    }

    private SocketPacket read(String hex) throws SocketDecodeException {
        return codec.decode(HEX.parseHex(hex));
    }

    // ---- what the Node server writes ----

    @Test
    void eventAsNodeWritesIt() {
        assertWritten("83a47479706502a46461746192a568656c6c6fa44a6f6573a36e7370a12f", event("/", NO_ID, "hello", "Joes"));
    }

    @Test
    void eventWithAckIdAsNodeWritesIt() {
        assertWritten("84a47479706502a46461746192a17101a2696407a36e7370a52f63686174", event("/chat", 7, "q", 1));
    }

    @Test
    void ackAsNodeWritesItIdFirst() {
        assertWritten("84a2696407a47479706503a46461746191a26f6ba36e7370a12f",
                SocketPacket.ack("/", 7, List.of("ok")));
    }

    @Test
    void connectReplyFromTheServersJsonText() {
        assertWritten("83a47479706500a46461746182a3736964a3616263a3706964a27031a36e7370a12f",
                new SocketPacket(SocketPacketType.CONNECT, "/", NO_ID, JsonText.ofStrings("sid", "abc", "pid", "p1")));
    }

    @Test
    void connectErrorAndDisconnect() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", "Not authorized");
        error.put("data", Map.of("code", 1));
        assertWritten("83a47479706504a46461746182a76d657373616765ae4e6f7420617574686f72697a6564a46461746181a4636f646501a36e7370a62f61646d696e",
                new SocketPacket(SocketPacketType.CONNECT_ERROR, "/admin", NO_ID, error));
        assertWritten("82a47479706501a36e7370a52f63686174", new SocketPacket(SocketPacketType.DISCONNECT, "/chat", NO_ID, null));
    }

    @Test
    void binaryInlineAsABufferAndNoBinaryType() {
        String hex = "83a47479706502a46461746192a362696ec403010203a36e7370a12f";
        assertWritten(hex, event("/", NO_ID, "bin", new byte[] {1, 2, 3}));
        assertWritten(hex, event("/", NO_ID, "bin", ByteBuffer.wrap(new byte[] {0, 1, 2, 3}, 1, 3).slice()));
        assertWritten(hex, new SocketPacket(SocketPacketType.BINARY_EVENT, "/", NO_ID, List.of("bin", new byte[] {1, 2, 3})));
    }

    @Test
    void integersInTheirShortestFormAndOtherNumbersAsDoubles() {
        assertWritten("83a47479706502a464617461dc0017a16e007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"
                        + "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"
                        + "cb3ff8000000000000cbbfd0000000000000cb7ff8000000000000cb7ff0000000000000a36e7370a12f",
                event("/", NO_ID, "n", 0, 127, 128, 255, 256, 65535, 65536, 4294967295L, 4294967296L, -1, -32, -33, -128,
                        -129, -32768, -32769, -2147483648, -2147483649L, 1.5, -0.25, Double.NaN, Double.POSITIVE_INFINITY));
    }

    @Test
    void stringsInEachHeaderForm() throws Exception {
        assertWritten("83a47479706502a46461746195a173a0bf" + "61".repeat(31) + "d920" + "62".repeat(32)
                        + "a9c3a9e282acf09f9880a36e7370a12f",
                event("/", NO_ID, "s", "", "a".repeat(31), "b".repeat(32), "é€😀"));
        byte[] str16 = codec.encode(event("/", NO_ID, "c".repeat(256)));
        assertEquals("da0100", HEX.formatHex(str16, 13, 16));
        byte[] str32 = codec.encode(event("/", NO_ID, "x".repeat(70000)));
        assertEquals("db00011170", HEX.formatHex(str32, 13, 18));
        // Multi-byte text whose header is only known once encoded: 20 characters, 60 bytes.
        byte[] moved = codec.encode(event("/", NO_ID, "€".repeat(20)));
        assertEquals("d93c", HEX.formatHex(moved, 13, 15));
        assertEquals("€".repeat(20), read(HEX.formatHex(moved)).args().get(0));
    }

    @Test
    void anUnpairedSurrogateIsWrittenAsTheReplacementCharacter() throws Exception {
        byte[] bytes = codec.encode(event("/", NO_ID, "a\uD800b"));
        assertEquals("a\uFFFDb", codec.decode(bytes).args().get(0));
        String longer = "x".repeat(40);
        bytes = codec.encode(event("/", NO_ID, longer + "\uDC00" + longer + "\uD83D\uDE00"));
        assertEquals(longer + "\uFFFD" + longer + "\uD83D\uDE00", codec.decode(bytes).args().get(0));
        String latin1 = "é".repeat(200); // 400 bytes: a str16 header from the JDK's encoding
        bytes = codec.encode(event("/", NO_ID, latin1));
        assertEquals("da0190", HEX.formatHex(bytes, 13, 16));
        assertEquals(latin1, codec.decode(bytes).args().get(0));
    }

    @Test
    void applicationObjectsGoThroughTheMapperWithTheirBinary() throws Exception {
        ObjectNode photoNode = new ObjectMapper().createObjectNode().put("name", "cat").put("data", new byte[] {7})
                .put("ratio", 0.1f);
        photoNode.putPOJO("tags", Set.of("pet"));
        SocketPacket decoded = codec.decode(codec.encode(event("/", NO_ID, "photo", photoNode, Map.of(1, "one"))));
        Map<?, ?> photo = (Map<?, ?>) decoded.args().get(1);
        assertEquals("cat", photo.get("name"));
        assertArrayEquals(new byte[] {7}, (byte[]) photo.get("data"));
        assertEquals(List.of("pet"), photo.get("tags"));
        assertEquals(0.1, photo.get("ratio")); // as JSON writes 0.1f, not 0.10000000149
        assertEquals(Map.of("1", "one"), decoded.args().get(2));
    }

    @Test
    void bigNumbers() throws Exception {
        List<Object> args = codec.decode(codec.encode(event("/", NO_ID, "big", new BigInteger("18446744073709551615"),
                new BigInteger("18446744073709551616"), Long.MIN_VALUE))).args();
        assertEquals(new BigInteger("18446744073709551615"), args.get(1));
        assertEquals(1.8446744073709552E19, args.get(2));
        assertEquals(Long.MIN_VALUE, args.get(3));
    }

    // ---- what socket.io-client 4.8 sends ----

    @Test
    void clientEventWithItsOptionsAndAckId() throws Exception {
        SocketPacket packet = read("85a47479706502a46461746192a568656c6c6f81a46e616d65a44a6f6573a76f7074696f6e7381a8636f6d7072657373c3a2696403a36e7370a12f");
        assertEquals(event("/", 3, "hello", Map.of("name", "Joes")), packet);
    }

    @Test
    void clientBinaryAsArrayBufferExtensionAndAsBuffer() throws Exception {
        SocketPacket packet = read("84a47479706502a46461746193a362696ec70300090807c4020102a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f");
        assertEquals(SocketPacketType.EVENT, packet.type());
        assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) packet.args().get(1));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) packet.args().get(2));
    }

    @Test
    void clientDateAndUndefinedAsJsonWouldHaveThem() throws Exception {
        SocketPacket packet = read("84a47479706502a46461746194a47768656ed700000001a223be3e05d4000082a175d40000a16b01a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f");
        List<Object> expected = new ArrayList<>(List.of("when", "2026-11-28T20:00:00.005Z"));
        expected.add(null);
        expected.add(Map.of("k", 1));
        assertEquals(expected, packet.data());
    }

    /** Each fixture is notepack.io 2.2's {@code [date]}; the expected text is Node's JSON.stringify of its decoding. */
    @Test
    void clientDatesBeyondFourDigitYearsAndPastADatesRange() throws Exception {
        Map<String, String> fixtures = new LinkedHashMap<>();
        fixtures.put("91d7000000e677d21fdc00", "+010000-01-01T00:00:00.000Z");
        fixtures.put("91d700ffffc77590fb9fff", "-000001-12-31T23:59:59.999Z");
        fixtures.put("91d700ffffc77590fba000", "0000-01-01T00:00:00.000Z");
        fixtures.put("91d700001eb208c2dc0000", "+275760-09-13T00:00:00.000Z");
        fixtures.put("91d700ffe14df73d240000", "-271821-04-20T00:00:00.000Z");
        fixtures.put("91d700ffffffffffffffff", "1969-12-31T23:59:59.999Z");
        fixtures.put("91d700001eb208c2dc0001", null); // one millisecond past a Date's range: an invalid Date
        fixtures.put("91d700ffe14df73d23ffff", null);
        for (Map.Entry<String, String> fixture : fixtures.entrySet()) {
            List<Object> expected = new ArrayList<>();
            expected.add(fixture.getValue());
            assertEquals(expected, new MsgpackReader(HEX.parseHex(fixture.getKey()), 32).value(), fixture.getKey());
        }
    }

    @Test
    void clientConnectsAcksAndLeaves() throws Exception {
        assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/chat", NO_ID, null), read("82a47479706500a36e7370a52f63686174"));
        assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/chat", NO_ID, Map.of("token", "t")),
                read("83a47479706500a46461746181a5746f6b656ea174a36e7370a52f63686174"));
        assertEquals(SocketPacket.ack("/", 4, List.of("r", 2)), read("84a47479706503a46461746192a17202a2696404a36e7370a12f"));
        assertEquals(new SocketPacket(SocketPacketType.DISCONNECT, "/chat", NO_ID, null), read("82a47479706501a36e7370a52f63686174"));
    }

    // ---- what socket.io-client 2.x sends with socket.io-msgpack-parser 2.2 ----

    @Test
    void olderClientsBinaryEventsAndJsonTextPackets() throws Exception {
        MsgpackPacketCodec v4 = codec.forSocketIoV4();
        String binaryEvent = "84a47479706505a46461746192a46563686fc4020102a2696400a36e7370a12f";
        SocketPacket event = v4.decode(HEX.parseHex(binaryEvent));
        assertEquals(SocketPacketType.BINARY_EVENT, event.type());
        assertEquals(0, event.id());
        assertArrayEquals(new byte[] {1, 2}, (byte[]) event.args().get(1));
        assertEquals(Reason.UNKNOWN_TYPE, assertThrows(SocketDecodeException.class,
                () -> codec.decode(HEX.parseHex(binaryEvent))).reason(), "3.x has no binary types");
        assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/chat?x=1", NO_ID, null),
                v4.decodeJsonText("{\"type\":0,\"query\":\"x=1\",\"nsp\":\"/chat?x=1\"}"));
        assertEquals(new SocketPacket(SocketPacketType.DISCONNECT, "/chat", NO_ID, null),
                v4.decodeJsonText("{\"type\":1,\"nsp\":\"/chat\"}"));
        assertEquals(Reason.UNEXPECTED_TEXT, assertThrows(SocketDecodeException.class,
                () -> codec.decodeJsonText("{\"type\":0,\"nsp\":\"/\"}")).reason(), "3.x sends binary only");
        assertEquals(Reason.INVALID_JSON, assertThrows(SocketDecodeException.class,
                () -> v4.decodeJsonText("0/chat,")).reason());
        assertEquals(Reason.INVALID_PAYLOAD, assertThrows(SocketDecodeException.class,
                () -> v4.decodeJsonText("{\"type\":1,\"nsp\":\"/chat\",\"data\":[]}")).reason());
    }

    @Test
    void aNonFiniteNumberMarksTheArguments() throws Exception {
        assertInstanceOf(NonFiniteList.class, codec.decode(codec.encode(event("/", NO_ID, "x", List.of(Double.NaN)))).data());
    }

    // ---- refused, as the parser refuses them, or as JSON packets are ----

    private void assertRefused(Reason reason, String hex) {
        assertEquals(reason, assertThrows(SocketDecodeException.class, () -> read(hex)).reason(), hex);
    }

    @Test
    void refusedPackets() {
        assertRefused(Reason.EMPTY_PACKET, "");
        assertRefused(Reason.INVALID_PAYLOAD, "92a1610a"); // an array, not a map
        assertRefused(Reason.UNKNOWN_TYPE, "82a47479706505a36e7370a12f"); // BINARY_EVENT has no msgpack form
        assertRefused(Reason.UNKNOWN_TYPE, "82a474797065a132a36e7370a12f"); // type "2"
        assertRefused(Reason.INVALID_PAYLOAD, "81a47479706500"); // no nsp
        assertRefused(Reason.INVALID_PAYLOAD, "82a47479706502a36e7370a12f"); // EVENT without data
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746190a36e7370a12f"); // EVENT with no name
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746191aa646973636f6e6e656374a36e7370a12f"); // "disconnect"
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706500a464617461c0a36e7370a12f"); // CONNECT with null data
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706501a46461746190a36e7370a12f"); // DISCONNECT with data
        assertRefused(Reason.INVALID_PAYLOAD, "84a47479706503a46461746190a2696401a36e7370a12f".replace("a2696401", "a26964ff")); // id -1
        assertRefused(Reason.ACK_ID_TOO_LONG, "84a47479706503a46461746190a26964cf002386f26fc10000a36e7370a12f"); // 10^16
        assertRefused(Reason.INVALID_PAYLOAD, "84a47479706503a46461746190a26964a131a36e7370a12f"); // id "1"
    }

    @Test
    void refusedMessagePack() throws Exception {
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746191a1"); // cut short
        assertRefused(Reason.INVALID_PAYLOAD, "82a47479706501a36e7370a12f00"); // a byte after the packet
        assertRefused(Reason.INVALID_PAYLOAD, "c1");
        assertRefused(Reason.INVALID_PAYLOAD, "dd7fffffff"); // announces two billion items in five bytes
        assertRefused(Reason.INVALID_PAYLOAD, "c6ffffffff00"); // four gigabytes of binary in six
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746192a17881017fa36e7370a12f"); // key 1
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706501a47479706501a36e7370a12f"); // "type" twice
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746192a178d50501ffa36e7370a12f"); // extension type 5
        // Type 0 in a fixext of 2, 4 or 16 bytes: notepack writes binary as ext 8/16/32 only, and its Node
        // decoder gives these as [0, Buffer], as it gives other types.
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746192a178d50001ffa36e7370a12f");
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746192a178d6000102fffea36e7370a12f");
        assertRefused(Reason.INVALID_PAYLOAD, "83a47479706502a46461746192a178d800" + "00".repeat(16) + "a36e7370a12f");
        // The same bytes in an ext 8 are an ArrayBuffer.
        assertArrayEquals(new byte[] {1, -1}, (byte[]) read("83a47479706502a46461746192a178c7020001ffa36e7370a12f")
                .args().get(1));
    }

    @Test
    void limits() {
        MsgpackPacketCodec shallow = new MsgpackPacketCodec(new JacksonJsonCodec(), new ProtocolLimits(10, 15, 1000, 2));
        SocketDecodeException deep = assertThrows(SocketDecodeException.class,
                () -> shallow.decode(codec.encode(event("/", NO_ID, "x", List.of(List.of(1))))));
        assertEquals(Reason.JSON_LIMIT, deep.reason());
        SocketDecodeException large = assertThrows(SocketDecodeException.class,
                () -> shallow.decode(codec.encode(event("/", NO_ID, "x".repeat(1000)))));
        assertEquals(Reason.PACKET_TOO_LARGE, large.reason());
        // Depth 10,000 without recursion.
        byte[] tenThousand = new byte[10_100];
        int at = 0;
        byte[] head = HEX.parseHex("83a47479706502a46461746192a178");
        System.arraycopy(head, 0, tenThousand, 0, head.length);
        at = head.length;
        for (int i = 0; i < 9_998; i++) {
            tenThousand[at++] = (byte) 0x91;
        }
        tenThousand[at++] = 1;
        byte[] tail = HEX.parseHex("a36e7370a12f");
        System.arraycopy(tail, 0, tenThousand, at, tail.length);
        tenThousand = Arrays.copyOf(tenThousand, at + tail.length);
        MsgpackPacketCodec deepest = new MsgpackPacketCodec(new JacksonJsonCodec(), new ProtocolLimits(10, 15, 1_000_000, 10_000));
        assertTrue(assertDoesNotThrowDecode(deepest, tenThousand).args().get(1) instanceof List);
    }

    private static SocketPacket assertDoesNotThrowDecode(MsgpackPacketCodec codec, byte[] frame) {
        try {
            return codec.decode(frame);
        } catch (SocketDecodeException e) {
            throw new AssertionError(e);
        }
    }
}
