package io.windsock.internal.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.engine.codec.EngineDecodeException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Engine.IO v4 wire fixtures, as the reference {@code engine.io-parser} 5.x writes and reads them. */
class EngineCodecV4Test {
    private static final EngineCodecV4 CODEC = EngineCodecV4.INSTANCE;
    private static final String SEP = "\u001e";
    private static final String OPEN_JSON =
            "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                    + "\"pingTimeout\":20000,\"maxPayload\":1000000}";

    @Test
    void protocolAndLookup() {
        assertEquals(4, CODEC.protocol());
        assertSame(CODEC, EngineCodec.forProtocol(4));
        assertSame(EngineCodecV3.INSTANCE, EngineCodec.forProtocol(3));
        assertNull(EngineCodec.forProtocol(2));
        assertEquals(SEP.charAt(0), EngineCodecV4.SEPARATOR);
    }

    // ---- text packets, both ways ----

    @Test
    void openPacket() throws Exception {
        EnginePacket open = EnginePacket.text(EnginePacketType.OPEN, OPEN_JSON);
        assertEquals("0" + OPEN_JSON, CODEC.encodeText(open));
        assertEquals(open, CODEC.decodeText("0" + OPEN_JSON));
    }

    @Test
    void closePingPongUpgradeNoop() throws Exception {
        assertText("1", EnginePacket.CLOSE);
        assertText("2", EnginePacket.PING);
        assertText("3", EnginePacket.PONG);
        assertText("5", EnginePacket.UPGRADE);
        assertText("6", EnginePacket.NOOP);
        assertNull(CODEC.decodeText("2").data());
        assertNull(CODEC.decodeText("6").data());
    }

    @Test
    void probePackets() throws Exception {
        assertText("2probe", EnginePacket.PROBE_PING);
        assertText("3probe", EnginePacket.PROBE_PONG);
        EnginePacket probe = CODEC.decodeText("2probe");
        assertEquals(EnginePacketType.PING, probe.type());
        assertEquals("probe", probe.text());
    }

    @Test
    void textMessage() throws Exception {
        assertText("4hello", EnginePacket.message("hello"));
        EnginePacket decoded = CODEC.decodeText("4hello");
        assertEquals(EnginePacketType.MESSAGE, decoded.type());
        assertEquals("hello", decoded.text());
    }

    @Test
    void emptyMessageIsAnEmptyString() throws Exception {
        EnginePacket decoded = CODEC.decodeText("4");
        assertEquals(EnginePacketType.MESSAGE, decoded.type());
        assertEquals("", decoded.text());
        assertEquals("4", CODEC.encodeText(EnginePacket.message("")));
    }

    @Test
    void messageKeepsEveryCharacterAfterTheType() throws Exception {
        // The data is opaque: digits, separators of the upper layer and JSON pass untouched.
        assertText("42[\"chat\",\"hi\"]", EnginePacket.message("2[\"chat\",\"hi\"]"));
        assertText("4 4", EnginePacket.message(" 4"));
    }

    @Test
    void unicodeText() throws Exception {
        String text = "€ and 😀";
        assertText("4€ and 😀", EnginePacket.message(text));
        assertEquals(text, CODEC.decodeText("4€ and 😀").text());
        // The frame's UTF-8 form is that of the text: the network layer encodes it once.
        assertArrayEquals(("4" + text).getBytes(StandardCharsets.UTF_8),
                CODEC.encodeText(EnginePacket.message(text)).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodeTextRejectsBinary() {
        assertThrows(IllegalArgumentException.class,
                () -> CODEC.encodeText(EnginePacket.message(new byte[] {1, 2})));
    }

    // ---- WebSocket binary frames ----

    @Test
    void binaryFrameIsTheRawBytesWithNoTypeByte() throws Exception {
        byte[] data = {1, 2, 3, 4};
        assertArrayEquals(new byte[] {1, 2, 3, 4}, CODEC.encodeBinaryFrame(EnginePacket.message(data)));
        EnginePacket decoded = CODEC.decodeBinaryFrame(new byte[] {4, 1, 2});
        assertEquals(EnginePacketType.MESSAGE, decoded.type());
        assertTrue(decoded.isBinary());
        assertArrayEquals(new byte[] {4, 1, 2}, decoded.binary());
        // An empty frame is an empty binary message.
        assertArrayEquals(new byte[0], CODEC.decodeBinaryFrame(new byte[0]).binary());
    }

    @Test
    void encodeBinaryFrameRejectsText() {
        assertThrows(IllegalArgumentException.class, () -> CODEC.encodeBinaryFrame(EnginePacket.message("x")));
        assertThrows(IllegalArgumentException.class, () -> CODEC.encodeBinaryFrame(EnginePacket.PING));
    }

    // ---- long-polling payloads ----

    @Test
    void decodePayloadWithTextPingAndBinary() throws Exception {
        List<EnginePacket> packets = CODEC.decodePayload("4hello" + SEP + "2" + SEP + "bAQIDBA==", 10);
        assertEquals(3, packets.size());
        assertEquals(EnginePacket.message("hello"), packets.get(0));
        assertEquals(EnginePacket.PING, packets.get(1));
        assertEquals(EnginePacketType.MESSAGE, packets.get(2).type());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, packets.get(2).binary());
    }

    @Test
    void decodeSinglePacketPayload() throws Exception {
        assertEquals(List.of(EnginePacket.message("hello")), CODEC.decodePayload("4hello", 1));
        assertEquals(List.of(EnginePacket.CLOSE), CODEC.decodePayload("1", 1));
    }

    @Test
    void decodePayloadWithEmptyMessagesAndEmptyBinary() throws Exception {
        List<EnginePacket> packets = CODEC.decodePayload("4" + SEP + "b" + SEP + "4", 10);
        assertEquals(3, packets.size());
        assertEquals("", packets.get(0).text());
        assertArrayEquals(new byte[0], packets.get(1).binary());
        assertEquals("", packets.get(2).text());
    }

    @Test
    void encodePayloadWithBinaryAsBase64() {
        String body = CODEC.encodePayload(List.of(
                EnginePacket.message("hello"), EnginePacket.PING, EnginePacket.message(new byte[] {1, 2, 3, 4})));
        assertEquals("4hello" + SEP + "2" + SEP + "bAQIDBA==", body);
    }

    @Test
    void encodePayloadOfOneOrNoPacket() {
        assertEquals("6", CODEC.encodePayload(List.of(EnginePacket.NOOP)));
        assertEquals("0" + OPEN_JSON, CODEC.encodePayload(List.of(EnginePacket.text(EnginePacketType.OPEN, OPEN_JSON))));
        assertEquals("", CODEC.encodePayload(List.of()));
    }

    @Test
    void payloadRoundTripWithUnicode() throws Exception {
        List<EnginePacket> packets = List.of(EnginePacket.message("€ and 😀"), EnginePacket.message(new byte[] {-1, 0, 127}),
                EnginePacket.message(""), EnginePacket.PROBE_PONG);
        String body = CODEC.encodePayload(packets);
        assertEquals("4€ and 😀" + SEP + "b/wB/" + SEP + "4" + SEP + "3probe", body);
        assertEquals(packets, CODEC.decodePayload(body, 4));
    }

    /** A request body as it arrives: decoded from its bytes, each packet's text straight from them. */
    private static List<EnginePacket> decodeBody(byte[] body, int maxPackets) throws EngineDecodeException {
        return CODEC.decodePayload(body, false, maxPackets);
    }

    @Test
    void payloadBodyBytesDecodeAsTheirText() throws Exception {
        assertEquals(List.of(EnginePacket.message("hello"), EnginePacket.PING, EnginePacket.message("€ and 😀"),
                        EnginePacket.message(""), EnginePacket.PROBE_PONG, EnginePacket.CLOSE),
                decodeBody(("4hello" + SEP + "2" + SEP + "4€ and 😀" + SEP + "4" + SEP + "3probe" + SEP + "1")
                        .getBytes(StandardCharsets.UTF_8), 10));
        List<EnginePacket> binary = decodeBody("bAQIDBA==\u001e42[\"a\"]".getBytes(StandardCharsets.UTF_8), 2);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, binary.get(0).binary());
        assertEquals(EnginePacket.message("2[\"a\"]"), binary.get(1));
    }

    @Test
    void invalidUtf8InABodyIsReplacedPerPacketAsInTheWholeBody() throws Exception {
        // A lone lead byte before the separator, a stray continuation byte inside a message.
        byte[] body = {'4', 'a', (byte) 0xC3, 0x1E, '4', (byte) 0x80, 'b'};
        assertEquals(List.of(EnginePacket.message("a\uFFFD"), EnginePacket.message("\uFFFDb")), decodeBody(body, 10));
        assertEquals(CODEC.decodePayload(new String(body, StandardCharsets.UTF_8), 10), decodeBody(body, 10));
    }

    @Test
    void malformedBodiesFailAsTheirText() {
        assertReason(Reason.EMPTY_PACKET, () -> decodeBody(new byte[0], 10));
        assertReason(Reason.EMPTY_PACKET, () -> decodeBody(("4a" + SEP).getBytes(StandardCharsets.UTF_8), 10));
        assertReason(Reason.UNKNOWN_TYPE, () -> decodeBody(("4hello" + SEP + "7").getBytes(StandardCharsets.UTF_8), 10));
        assertReason(Reason.UNKNOWN_TYPE, () -> decodeBody("€4".getBytes(StandardCharsets.UTF_8), 10));
        EngineDecodeException e = assertThrows(EngineDecodeException.class,
                () -> decodeBody(new byte[] {(byte) 0xE2, (byte) 0x82}, 10));
        assertEquals("unknown packet type '\\ufffd'", e.getMessage());
        assertReason(Reason.BAD_BASE64, () -> decodeBody(("4ok" + SEP + "b!!").getBytes(StandardCharsets.UTF_8), 10));
        assertReason(Reason.TOO_MANY_PACKETS, () -> decodeBody(("2" + SEP + "2" + SEP + "2").getBytes(StandardCharsets.UTF_8), 2));
        assertReason(Reason.INVALID_CONTENT, () -> CODEC.decodePayload(new byte[] {'4'}, true, 10));
    }

    // ---- a body read a slice at a time ----

    @Test
    void aBodyIsDecodedFromAnOffsetAtMostThisManyPacketsAtATime() throws Exception {
        // "4a" 0-1, SEP 2, "2" 3, SEP 4, "bAQI=" 5-9, SEP 10, "4é" 11-13 (é is two bytes), SEP 14, "1" 15.
        byte[] body = ("4a" + SEP + "2" + SEP + "bAQI=" + SEP + "4é" + SEP + "1").getBytes(StandardCharsets.UTF_8);
        List<EnginePacket> out = new ArrayList<>();
        assertEquals(5, CODEC.decodePayload(body, 0, 2, out));
        assertEquals(List.of(EnginePacket.message("a"), EnginePacket.PING), out);
        out.clear();
        assertEquals(15, CODEC.decodePayload(body, 5, 2, out));
        assertArrayEquals(new byte[] {1, 2}, out.get(0).binary());
        assertEquals(EnginePacket.message("é"), out.get(1));
        out.clear();
        assertEquals(-1, CODEC.decodePayload(body, 15, 2, out), "the body is done");
        assertEquals(List.of(EnginePacket.CLOSE), out);
    }

    @Test
    void slicesEndingExactlyAtTheCapLeaveNothingBehind() throws Exception {
        byte[] body = ("4a" + SEP + "4b" + SEP + "4c" + SEP + "4d").getBytes(StandardCharsets.UTF_8);
        EngineCodec.PayloadReader reader = CODEC.payloadReader(body, false);
        assertTrue(reader.hasNext());
        assertEquals(List.of(EnginePacket.message("a"), EnginePacket.message("b")), reader.next(2));
        assertTrue(reader.hasNext());
        assertEquals(List.of(EnginePacket.message("c"), EnginePacket.message("d")), reader.next(2));
        assertFalse(reader.hasNext(), "the last packet of the body ends the second slice");

        EngineCodec.PayloadReader single = CODEC.payloadReader("4a".getBytes(StandardCharsets.UTF_8), false);
        assertEquals(List.of(EnginePacket.message("a")), single.next(1));
        assertFalse(single.hasNext());
        assertEquals(4, decodeBody(body, 4).size(), "a whole body of exactly the cap is no more than the cap");
    }

    @Test
    void aMalformedPacketInALaterSliceIsStillRefused() throws Exception {
        EngineCodec.PayloadReader reader = CODEC.payloadReader(
                ("4a" + SEP + "4b" + SEP + "7").getBytes(StandardCharsets.UTF_8), false);
        assertEquals(List.of(EnginePacket.message("a"), EnginePacket.message("b")), reader.next(2));
        assertReason(Reason.UNKNOWN_TYPE, () -> reader.next(2));

        // A separator that ends the body leaves an empty packet after it, refused in its own slice.
        EngineCodec.PayloadReader trailing = CODEC.payloadReader(
                ("4a" + SEP + "4b" + SEP).getBytes(StandardCharsets.UTF_8), false);
        assertEquals(2, trailing.next(2).size());
        assertTrue(trailing.hasNext());
        assertReason(Reason.EMPTY_PACKET, () -> trailing.next(2));

        EngineCodec.PayloadReader base64 = CODEC.payloadReader(
                ("2" + SEP + "bAQI=" + SEP + "b!!").getBytes(StandardCharsets.UTF_8), false);
        assertEquals(1, base64.next(1).size());
        assertEquals(1, base64.next(1).size());
        assertReason(Reason.BAD_BASE64, () -> base64.next(1));
        assertReason(Reason.INVALID_CONTENT, () -> CODEC.payloadReader(new byte[] {'4'}, true));
    }

    // ---- malformed input ----

    @Test
    void emptyPacket() {
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodeText(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "7hello", "x", "xyz", "B", "/", "\u0000", " 4"})
    void unknownType(String frame) {
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodeText(frame));
    }

    @Test
    void base64TextFrameIsABinaryMessage() throws Exception {
        // engine.io-client with forceBase64 sends binary as "b<base64>" text frames; engine.io-parser decodes them.
        EnginePacket decoded = CODEC.decodeText("bAQIDBA==");
        assertEquals(EnginePacketType.MESSAGE, decoded.type());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, decoded.binary());
        assertArrayEquals(new byte[0], CODEC.decodeText("b").binary());
        assertReason(Reason.BAD_BASE64, () -> CODEC.decodeText("b!!"));
    }

    @Test
    void unknownTypeMessageIsPrintable() {
        EngineDecodeException e = assertThrows(EngineDecodeException.class, () -> CODEC.decodeText("\u0001x"));
        assertEquals("unknown packet type '\\u0001'", e.getMessage());
    }

    @Test
    void unknownTypeInPayload() {
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodePayload("4hello" + SEP + "7", 10));
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodePayload("x", 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"b!!!!", "bAQIDBA=", "bAQIDB", "bAQ IDBA==", "b====", "b€"})
    void badBase64(String packet) {
        assertReason(Reason.BAD_BASE64, () -> CODEC.decodePayload(packet, 10));
        assertReason(Reason.BAD_BASE64, () -> CODEC.decodePayload("4ok" + SEP + packet, 10));
    }

    @Test
    void tooManyPackets() throws Exception {
        String three = "2" + SEP + "4a" + SEP + "4b";
        assertEquals(3, CODEC.decodePayload(three, 3).size());
        assertReason(Reason.TOO_MANY_PACKETS, () -> CODEC.decodePayload(three, 2));
        assertReason(Reason.TOO_MANY_PACKETS, () -> CODEC.decodePayload("2" + SEP + "2", 1));
    }

    @Test
    void emptyPayloadBody() {
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodePayload("", 10));
    }

    @Test
    void emptyPacketInsidePayload() {
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodePayload("4a" + SEP, 10));
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodePayload(SEP + "4a", 10));
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodePayload("4a" + SEP + SEP + "4b", 10));
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodePayload(SEP, 10));
    }

    // ---- helpers ----

    private static void assertText(String wire, EnginePacket packet) throws EngineDecodeException {
        assertEquals(wire, CODEC.encodeText(packet), "encode " + packet);
        assertEquals(packet, CODEC.decodeText(wire), "decode " + wire);
    }

    private interface Decoding {
        void run() throws EngineDecodeException;
    }

    private static void assertReason(Reason reason, Decoding decoding) {
        EngineDecodeException e = assertThrows(EngineDecodeException.class, decoding::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void textBytesMatchTheCodecAndASharedMessageMakesThemOnce() {
        String text = "h\u00e9llo \ud83d\ude00";
        EnginePacket packet = EnginePacket.message(text);
        byte[] expected = EngineCodecV4.INSTANCE.encodeText(packet).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, packet.utf8());
        EnginePacket shared = EnginePacket.sharedMessage(text);
        assertEquals(packet, shared);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, shared.utf8());
        org.junit.jupiter.api.Assertions.assertSame(shared.utf8(), shared.utf8(), "shared by every recipient");
        assertEquals(packet.byteSize(), shared.byteSize());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'2'}, EnginePacket.PING.utf8());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> EnginePacket.message(new byte[] {1}).utf8());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "h\u00e9llo", "\u20ac uro", "\ud83d\ude00 pair", "\u07ff\u0800", "lone \ud800 high",
            "lone \udc00 low", "tail \ud83d"})
    void byteSizeIsTheTextFramesUtf8Length(String text) {
        EnginePacket packet = EnginePacket.message(text);
        int expected = ("4" + text).getBytes(StandardCharsets.UTF_8).length;
        boolean lone = text.contains("lone") || text.startsWith("tail");
        if (lone) {
            // Java writes a lone surrogate as '?'; the count allows the 3 bytes of its WTF-8 form.
            assertEquals(expected + 2, packet.byteSize());
        } else {
            assertEquals(expected, packet.byteSize());
            assertEquals(packet.utf8().length, packet.byteSize());
        }
    }

    @Test
    void byteSizeOfBinaryAndBarePackets() {
        assertEquals(0, EnginePacket.message(new byte[0]).byteSize());
        assertEquals(1000, EnginePacket.message(new byte[1000]).byteSize());
        assertEquals(1, EnginePacket.PING.byteSize());
        assertEquals(6, EnginePacket.PROBE_PONG.byteSize());
    }

    @Test
    void payloadBytesAddUpToTheEncodedBodysLength() {
        List<EnginePacket> packets = List.of(EnginePacket.message("h\u00e9llo \ud83d\ude00"), EnginePacket.PING,
                EnginePacket.message(new byte[0]), EnginePacket.message(new byte[1]), EnginePacket.message(new byte[2]),
                EnginePacket.message(new byte[3]), EnginePacket.message(new byte[1000]), EnginePacket.NOOP,
                EnginePacket.text(EnginePacketType.OPEN, OPEN_JSON));
        for (int n = 1; n <= packets.size(); n++) {
            List<EnginePacket> some = packets.subList(0, n);
            long sum = 0;
            for (int i = 0; i < some.size(); i++) {
                sum += CODEC.payloadBytes(some.get(i), i == 0);
            }
            assertEquals(CODEC.encodePayload(some).getBytes(StandardCharsets.UTF_8).length, sum, some.toString());
        }
    }

    @Test
    void handshakeDataListsTheUpgradesAndTheTimings() {
        assertEquals("{\"sid\":\"abc\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,"
                + "\"maxPayload\":1000000}", CODEC.handshake("abc", List.of("websocket"), 25000, 20000, 1000000));
        assertEquals("{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":5}",
                CODEC.handshake("abc", List.of(), 300, 200, 5));
    }
}
