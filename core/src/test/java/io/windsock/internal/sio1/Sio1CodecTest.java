package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.NonFiniteList;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol-1 packets, framing and the dialect, against wire strings as socket.io-client 0.9.16 writes them. */
class Sio1CodecTest {
    private final Sio1Dialect dialect = new Sio1Dialect(new JacksonJsonCodec());

    @Test
    void decodesTheClientsPackets() throws Exception {
        assertEquals(new Sio1Packet(2, "", false, "", null), Sio1Packet.decode("2::"));
        assertEquals(new Sio1Packet(1, "", false, "/chat", null), Sio1Packet.decode("1::/chat"));
        assertEquals(new Sio1Packet(3, "1", false, "", "a:b:c"), Sio1Packet.decode("3:1::a:b:c"));
        assertEquals(new Sio1Packet(5, "12", true, "/chat", "{\"name\":\"x\"}"),
                Sio1Packet.decode("5:12+:/chat:{\"name\":\"x\"}"));
        assertEquals(new Sio1Packet(6, "", false, "", "4+[\"A+B\"]"), Sio1Packet.decode("6:::4+[\"A+B\"]"));
        assertEquals(new Sio1Packet(3, "", false, "", ""), Sio1Packet.decode("3:::"));
        assertEquals(new Sio1Packet(0, "", false, "", null), Sio1Packet.decode("0:"));
    }

    @Test
    void encodesAsTheClientParsesThem() {
        assertEquals("1::", Sio1Packet.of(1, "").encode());
        assertEquals("0::/chat", Sio1Packet.of(0, "/chat").encode());
        assertEquals("2::", Sio1Packet.HEARTBEAT_PACKET.encode());
        assertEquals("8::", Sio1Packet.NOOP_PACKET.encode());
        assertEquals("5:3+:/chat:{}", new Sio1Packet(5, "3", true, "/chat", "{}").encode());
        assertEquals("7:::2", Sio1Packet.of(7, "", "2").encode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "x::", "9::", "22::", "3:a::x", "3:+::x", "3:1234567890123456::x", "3:1++::x"})
    void refusesMalformedPackets(String text) {
        assertThrows(Sio1DecodeException.class, () -> Sio1Packet.decode(text));
    }

    @Test
    void framesSeveralPacketsAndLeavesOneBare() throws Exception {
        assertEquals("2::", Sio1Frames.encode(List.of("2::")));
        assertEquals("\ufffd3\ufffd2::\ufffd9\ufffd3:::héllo", Sio1Frames.encode(List.of("2::", "3:::héllo")));
        assertEquals(List.of("2::", "3:::héllo"), Sio1Frames.decode("\ufffd3\ufffd2::\ufffd9\ufffd3:::héllo", 10));
        assertEquals(List.of("3:::x"), Sio1Frames.decode("3:::x", 10));
    }

    @Test
    void countsLengthsInUtf16Units() throws Exception {
        String emoji = "3:::\uD83D\uDE00"; // one code point, two UTF-16 units: length 6
        assertEquals("\ufffd6\ufffd" + emoji + "\ufffd3\ufffd2::", Sio1Frames.encode(List.of(emoji, "2::")));
        assertEquals(List.of(emoji, "2::"), Sio1Frames.decode("\ufffd6\ufffd" + emoji + "\ufffd3\ufffd2::", 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ufffd", "\ufffd\ufffd2::", "\ufffd9\ufffd2::", "\ufffdx\ufffd2::", "\ufffd3\ufffd2::x",
            "\ufffd-1\ufffd2::", "\ufffd99999999999\ufffd2::", "\ufffd3"})
    void refusesBadFrames(String payload) {
        assertThrows(Sio1DecodeException.class, () -> Sio1Frames.decode(payload, 10));
    }

    @Test
    void boundsThePacketsPerPayload() {
        assertThrows(Sio1DecodeException.class, () -> Sio1Frames.decode("\ufffd3\ufffd2::\ufffd3\ufffd2::", 1));
    }

    @Test
    void aReaderSplitsAFramedPayloadASliceAtATimeInOrder() throws Exception {
        Sio1Frames.Reader reader = Sio1Frames.reader("\ufffd3\ufffd2::\ufffd5\ufffd3:::a\ufffd6\ufffd3:::\uD83D\uDE00"
                + "\ufffd0\ufffd\ufffd7\ufffd3:::b:c");
        assertTrue(reader.hasNext());
        assertEquals(List.of("2::", "3:::a"), reader.next(2));
        assertTrue(reader.hasNext());
        assertEquals(List.of("3:::\uD83D\uDE00", ""), reader.next(2), "lengths in UTF-16 units, an empty frame kept");
        assertEquals(List.of("3:::b:c"), reader.next(2));
        assertFalse(reader.hasNext());
        assertEquals(List.of(), reader.next(2));
    }

    @Test
    void aReaderTakesAnUnframedPayloadAsOnePacket() throws Exception {
        Sio1Frames.Reader bare = Sio1Frames.reader("3:::\ufffd5\ufffd");
        assertEquals(List.of("3:::\ufffd5\ufffd"), bare.next(1));
        assertFalse(bare.hasNext());
        Sio1Frames.Reader empty = Sio1Frames.reader("");
        assertTrue(empty.hasNext());
        assertEquals(List.of(""), empty.next(1), "one empty packet, which the packet decoder refuses");
        assertFalse(empty.hasNext());
    }

    /** A bad frame past the first slice fails the slice it is in; the slices before it were returned. */
    @ParameterizedTest
    @ValueSource(strings = {"\ufffd9\ufffd2::", "\ufffdx\ufffd2::", "\ufffd\ufffd2::", "2::", "\ufffd3", "\ufffd1234567890\ufffd"})
    void aReaderRefusesABadFrameInALaterSlice(String bad) throws Exception {
        Sio1Frames.Reader reader = Sio1Frames.reader("\ufffd3\ufffd2::\ufffd5\ufffd3:::a" + bad);
        assertEquals(List.of("2::", "3:::a"), reader.next(2));
        assertTrue(reader.hasNext());
        assertThrows(Sio1DecodeException.class, () -> reader.next(2));
    }

    @Test
    void decodesEventsMessagesAndAcks() throws Exception {
        SocketPacket event = dialect.decode(Sio1Packet.decode("5:1+:/chat:{\"name\":\"hi\",\"args\":[{\"a\":1},2]}"));
        assertEquals(SocketPacket.event("/chat", List.of("hi", Map.of("a", 1), 2), 1), event);
        assertEquals(SocketPacket.event("/", List.of("hi"), SocketPacket.NO_ID),
                dialect.decode(Sio1Packet.decode("5:::{\"name\":\"hi\"}")));
        // An id without '+' (a message sent with a callback) asks for an ack too.
        assertEquals(SocketPacket.event("/", List.of("message", "text"), 7), dialect.decode(Sio1Packet.decode("3:7::text")));
        assertEquals(SocketPacket.event("/", List.of("message", "a:b"), SocketPacket.NO_ID),
                dialect.decode(Sio1Packet.decode("3:::a:b")));
        assertEquals(SocketPacket.event("/", Arrays.asList("message", null), 2),
                dialect.decode(Sio1Packet.decode("4:2+::null")));
        assertEquals(SocketPacket.ack("/", 4, List.of("A+B", "C")), dialect.decode(Sio1Packet.decode("6:::4+[\"A+B\",\"C\"]")));
        assertEquals(SocketPacket.ack("/x", 4, List.of()), dialect.decode(Sio1Packet.decode("6::/x:4")));
    }

    /**
     * socket.io-client 0.9's {@code json.send(x)} with {@code x} undefined (or a function) sends no data
     * part at all ({@code JSON.stringify} gives undefined, which its encoder leaves out); the 0.9 server
     * hands the handler undefined. A message of null here, not a parse error that boots the client.
     */
    @Test
    void aJsonPacketWithoutDataIsANullMessage() throws Exception {
        assertEquals(SocketPacket.event("/", Arrays.asList("message", null), SocketPacket.NO_ID),
                dialect.decode(Sio1Packet.decode("4::")));
        assertEquals(SocketPacket.event("/chat", Arrays.asList("message", null), 3),
                dialect.decode(Sio1Packet.decode("4:3+:/chat")));
        assertThrows(Sio1DecodeException.class, () -> dialect.decode(Sio1Packet.decode("4:::")),
                "an empty data part is no JSON");
    }

    /** The wire reader's mark for an infinity inside reaches the event's arguments: strict conversion looks for it there. */
    @Test
    void anInfinityInsideMarksTheEventsArguments() throws Exception {
        assertTrue(dialect.decode(Sio1Packet.decode("5:::{\"name\":\"hi\",\"args\":[{\"a\":[1e400]}]}")).data()
                instanceof NonFiniteList);
        assertTrue(dialect.decode(Sio1Packet.decode("4:::{\"a\":[-1e400]}")).data() instanceof NonFiniteList);
        assertTrue(dialect.decode(Sio1Packet.decode("6:::4+[[1e400]]")).data() instanceof NonFiniteList);
        assertFalse(dialect.decode(Sio1Packet.decode("5:::{\"name\":\"hi\",\"args\":[{\"a\":[1e300]}]}")).data()
                instanceof NonFiniteList);
        assertFalse(dialect.decode(Sio1Packet.decode("4:::{\"a\":\"1e400\"}")).data() instanceof NonFiniteList);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5:::{\"args\":[]}", "5:::[1]", "5:::{\"name\":\"x\",\"args\":1}", "5:::{", "4:::{x",
            "6:::", "6:::x", "6:::4+{}", "6:::4+[", "6:::١"})
    void refusesBadData(String text) {
        assertThrows(Sio1DecodeException.class, () -> dialect.decode(Sio1Packet.decode(text)));
    }

    @Test
    void encodesSocketPackets() {
        assertEquals("1::", encode(new SocketPacket(SocketPacketType.CONNECT, "/", SocketPacket.NO_ID, Map.of("sid", "x"))));
        assertEquals("1::/chat", encode(new SocketPacket(SocketPacketType.CONNECT, "/chat", SocketPacket.NO_ID, null)));
        assertEquals("0::/chat", encode(new SocketPacket(SocketPacketType.DISCONNECT, "/chat", SocketPacket.NO_ID, null)));
        assertEquals("7::/chat:2", encode(new SocketPacket(SocketPacketType.CONNECT_ERROR, "/chat", SocketPacket.NO_ID,
                Map.of("message", "no"))));
        assertEquals("5:::{\"name\":\"hi\",\"args\":[1,\"a\"]}", encode(SocketPacket.event("/", List.of("hi", 1, "a"), -1)));
        assertEquals("5:3+:/c:{\"name\":\"hi\",\"args\":[]}", encode(SocketPacket.event("/c", List.of("hi"), 3)));
        assertEquals("3:::a:b", encode(SocketPacket.event("/", List.of("message", "a:b"), -1)));
        assertEquals("3:5+::a", encode(SocketPacket.event("/", List.of("message", "a"), 5)));
        assertEquals("4:::{\"a\":[1]}", encode(SocketPacket.event("/", List.of("message", Map.of("a", List.of(1))), -1)));
        assertEquals("5:::{\"name\":\"message\",\"args\":[1,2]}", encode(SocketPacket.event("/", List.of("message", 1, 2), -1)));
        assertEquals("6:::4+[\"A+B\"]", encode(SocketPacket.ack("/", 4, List.of("A+B"))));
        assertEquals("6::/c:4", encode(SocketPacket.ack("/c", 4, List.of())));
        assertEquals("5:::{\"name\":\"b\",\"args\":[\"AQI=\"]}",
                encode(new SocketPacket(SocketPacketType.BINARY_EVENT, "/", -1, List.of("b", new byte[] {1, 2}))));
    }

    @Test
    void aRoundTripKeepsAnAckIdWithPlus() throws Exception {
        Sio1Packet packet = Sio1Packet.decode("5:9+::{\"name\":\"n\",\"args\":[]}");
        assertTrue(packet.ackData());
        assertEquals("9", packet.id());
        assertNull(Sio1Packet.decode("2::").data());
    }

    private String encode(SocketPacket packet) {
        return dialect.encode(packet).encode();
    }

    /**
     * Scripts (JSONP answers, htmlfile chunks) carry payloads as string literals that hold no markup:
     * {@code <!--<script>} in a message would put the HTML tokenizer in "script data double escaped",
     * where the page's {@code </script>} no longer ends the element and an htmlfile stream swallows
     * everything after it. The text a script reads is unchanged: JSON's string grammar, a part of
     * JavaScript's, reads each literal back as it was.
     */
    @Test
    void scriptLiteralsHoldNoMarkupAndReadBackAsTheText() throws Exception {
        assertEquals("\"3:::\\u003c!--\\u003cscript\\u003e\"", Sio1Script.literal("3:::<!--<script>"));
        assertEquals("\"\\u003c\\/script\\u003e\"", Sio1Script.literal("</script>"));
        ObjectMapper json = new ObjectMapper();
        for (String text : List.of("3:::<!--<script>", "</script>", "<!-- x --> <script>a</script>", "a>b<c",
                "5:::{\"name\":\"q\",\"args\":[\"\\\\/\\\"\"]}", "line\nbreak\ttab\u2028\u2029é\ud83d\ude00")) {
            String literal = Sio1Script.literal(text);
            assertFalse(literal.contains("<") || literal.contains(">"), literal);
            assertEquals(text, json.readValue(literal, String.class), literal);
            assertEquals(text, Sio1Forms.unquote(literal), literal);
        }
    }
}
