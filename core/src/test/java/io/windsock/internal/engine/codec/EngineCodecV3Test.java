package io.windsock.internal.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.engine.codec.EngineDecodeException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Engine.IO v3 wire fixtures, as engine.io-parser 2.x (socket.io-client 2.x's) writes and reads them. */
class EngineCodecV3Test {
    private static final EngineCodecV3 CODEC = EngineCodecV3.INSTANCE;

    @Test
    void openPacketAsEngineIo6SendsIt() {
        assertEquals(3, CODEC.protocol());
        assertEquals("{\"sid\":\"abc\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,"
                + "\"maxPayload\":1000000}", CODEC.handshake("abc", List.of("websocket"), 25000, 20000, 1_000_000));
        assertEquals("{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":2,\"maxPayload\":64}",
                CODEC.handshake("abc", List.of(), 1, 2, 64));
    }

    // ---- WebSocket frames ----

    @Test
    void textFramesAsInV4() throws Exception {
        assertEquals("4hello", CODEC.encodeText(EnginePacket.message("hello")));
        assertEquals("3", CODEC.encodeText(EnginePacket.PONG));
        assertEquals("3probe", CODEC.encodeText(EnginePacket.PROBE_PONG));
        assertEquals(EnginePacket.PING, CODEC.decodeText("2"));
        assertEquals(EnginePacket.PROBE_PING, CODEC.decodeText("2probe"));
        assertEquals(EnginePacket.UPGRADE, CODEC.decodeText("5"));
        assertEquals(EnginePacket.message("42[\"e\"]"), CODEC.decodeText("442[\"e\"]"));
    }

    @Test
    void binaryFrameStartsWithTheMessageType() throws Exception {
        assertArrayEquals(new byte[] {4, 1, 2, 3}, CODEC.encodeBinaryFrame(EnginePacket.message(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {4}, CODEC.encodeBinaryFrame(EnginePacket.message(new byte[0])));
        assertArrayEquals(new byte[] {9, 8}, CODEC.decodeBinaryFrame(new byte[] {4, 9, 8}).binary());
        assertArrayEquals(new byte[0], CODEC.decodeBinaryFrame(new byte[] {4}).binary());
    }

    @Test
    void badBinaryFrames() {
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodeBinaryFrame(new byte[0]));
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodeBinaryFrame(new byte[] {2, 1}));
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodeBinaryFrame(new byte[] {(byte) 0xff}));
    }

    @Test
    void base64BinaryAsText() throws Exception {
        assertEquals("b4AQID", CODEC.encodeBinaryAsText(EnginePacket.message(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {1, 2, 3}, CODEC.decodeText("b4AQID").binary());
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodeText("b"));
        assertReason(Reason.UNKNOWN_TYPE, () -> CODEC.decodeText("b2AQID"));
        assertReason(Reason.BAD_BASE64, () -> CODEC.decodeText("b4!!"));
    }

    // ---- polling payloads the server writes ----

    @Test
    void textPayloadCountsUtf16Units() {
        EngineCodec.Payload payload = CODEC.encodePayload(
                List.of(EnginePacket.message("héllo"), EnginePacket.message("😀"), EnginePacket.PING), true);
        assertFalse(payload.isBinary());
        assertEquals("6:4héllo3:4😀1:2", payload.text());
    }

    @Test
    void binaryPayloadWhenTheClientTakesBinary() {
        EngineCodec.Payload payload = CODEC.encodePayload(List.of(
                EnginePacket.message("451-[\"e\",{\"_placeholder\":true,\"num\":0}]"),
                EnginePacket.message(new byte[] {1, 2, 3})), true);
        assertTrue(payload.isBinary());
        assertArrayEquals(bytes(0, 4, 0, 255, 52, 52, 53, 49, 45, 91, 34, 101, 34, 44, 123, 34, 95, 112, 108, 97, 99,
                101, 104, 111, 108, 100, 101, 114, 34, 58, 116, 114, 117, 101, 44, 34, 110, 117, 109, 34, 58, 48, 125,
                93, 1, 4, 255, 4, 1, 2, 3), payload.binary());
        // A text packet's length in a binary payload counts its UTF-8 bytes.
        assertArrayEquals(bytes(0, 3, 255, 52, 195, 169, 1, 4, 255, 4, 1, 2, 3), CODEC.encodePayload(
                List.of(EnginePacket.message("é"), EnginePacket.message(new byte[] {1, 2, 3})), true).binary());
    }

    @Test
    void base64PayloadForB64Clients() {
        EngineCodec.Payload payload = CODEC.encodePayload(List.of(EnginePacket.message(new byte[] {1, 2, 3})), false);
        assertEquals("6:b4AQID", payload.text());
    }

    @Test
    void textPayloadWithoutBinaryEvenWhenBinaryIsSupported() {
        assertEquals("13:4xxxxxxxxxxxx",
                CODEC.encodePayload(List.of(EnginePacket.message("x".repeat(12))), true).text());
    }

    @Test
    void payloadBytesAddUpToTheTextBody() {
        List<EnginePacket> packets = List.of(EnginePacket.message("héllo"), EnginePacket.message("😀"),
                EnginePacket.PING, EnginePacket.message("x".repeat(12)), EnginePacket.message(new byte[] {1, 2, 3, 4}));
        long sum = 0;
        for (int i = 0; i < packets.size(); i++) {
            sum += CODEC.payloadBytes(packets.get(i), i == 0);
        }
        assertEquals(CODEC.encodePayload(packets, false).text().getBytes(StandardCharsets.UTF_8).length, sum);
    }

    // ---- polling payloads the client writes ----

    @Test
    void decodeTextPayload() throws Exception {
        assertEquals(List.of(EnginePacket.message("hello"), EnginePacket.message("é"), EnginePacket.PING),
                decodeText("6:4hello2:4é1:2"));
        assertEquals(List.of(EnginePacket.message("😀")), decodeText("3:4😀"));
        assertArrayEquals(new byte[] {1, 2, 3}, decodeText("6:b4AQID").get(0).binary());
        assertEquals(List.of(EnginePacket.CLOSE), decodeText("0:1:1"), "an empty packet is skipped");
    }

    @Test
    void decodeBinaryPayload() throws Exception {
        List<EnginePacket> packets = CODEC.decodePayload(
                bytes(0, 6, 255, 52, 104, 195, 169, 108, 111, 1, 4, 255, 4, 9, 8, 7), true, 10);
        assertEquals(EnginePacket.message("hélo"), packets.get(0));
        assertArrayEquals(new byte[] {9, 8, 7}, packets.get(1).binary());
        assertEquals(List.of(), CODEC.decodePayload(new byte[0], true, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4hello", ":4", "6:4hi", "5:4hello7", "x:4", "-1:4", "1e1:4hello1234", "99999999999:4"})
    void badTextPayloads(String body) {
        assertThrows(EngineDecodeException.class, () -> decodeText(body));
    }

    @Test
    void badLengthsInTextPayloads() {
        assertReason(Reason.BAD_LENGTH, () -> decodeText("6:4hi"));
        assertReason(Reason.BAD_LENGTH, () -> decodeText("2:4a7"));
        assertReason(Reason.BAD_LENGTH, () -> decodeText("3:4😀".replace("3", "2") + "x"));
        assertReason(Reason.EMPTY_PACKET, () -> decodeText(""));
    }

    @Test
    void badBinaryPayloads() {
        assertReason(Reason.BAD_LENGTH, () -> CODEC.decodePayload(bytes(2, 1, 255, 52), true, 10));   // kind 2
        assertReason(Reason.BAD_LENGTH, () -> CODEC.decodePayload(bytes(0, 255, 52), true, 10));      // no digits
        assertReason(Reason.BAD_LENGTH, () -> CODEC.decodePayload(bytes(0, 5, 255, 52), true, 10));   // too short
        assertReason(Reason.BAD_LENGTH, () -> CODEC.decodePayload(bytes(0, 1, 52), true, 10));        // no 0xFF
        assertReason(Reason.BAD_LENGTH, () -> CODEC.decodePayload(bytes(0, 12, 255, 52), true, 10));  // digit > 9
        assertReason(Reason.BAD_LENGTH, () -> CODEC.decodePayload(
                bytes(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 255, 52), true, 10));                         // 11 digits
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.decodePayload(bytes(1, 0, 255), true, 10));
    }

    /**
     * A text packet in a binary payload is read as engine.io's v3 parser reads it (utf8.js, {@code strict:
     * false}): invalid UTF-8 (a stray or missing continuation byte, an overlong form, a code point past
     * U+10FFFF) fails the payload, so the session closes with "parse error", where a text body's is
     * decoded with replacement characters; an encoded surrogate becomes U+FFFD. Measured against Node.
     */
    @Test
    void invalidUtf8InATextPacketOfABinaryPayloadIsMalformed() throws Exception {
        int[][] invalid = {
            {0xff}, {0x80}, {0xc0, 0xaf}, {0xe0, 0x80, 0xaf}, {0xe2, 0x82}, {0xe2, 0x28, 0xa1},
            {0xf0, 0x8f, 0xbf, 0xbf}, {0xf4, 0x90, 0x80, 0x80}, {0xf8, 0x88, 0x80, 0x80, 0x80},
        };
        for (int[] bad : invalid) {
            int[] body = new int[4 + bad.length];
            body[0] = 0;
            body[1] = 1 + bad.length;
            body[2] = 255;
            body[3] = '4';
            System.arraycopy(bad, 0, body, 4, bad.length);
            assertReason(Reason.INVALID_UTF8, () -> CODEC.decodePayload(bytes(body), true, 10));
        }
        assertEquals(List.of(EnginePacket.message("\ufffdx")),
                CODEC.decodePayload(bytes(0, 5, 255, 52, 0xed, 0xa0, 0x80, 'x'), true, 10));
        assertEquals(List.of(EnginePacket.message("h\u00e9\u20ac\ud83d\ude00")),
                CODEC.decodePayload(bytes(0, 1, 1, 255, 52, 'h', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80),
                        true, 10));
    }

    @Test
    void tooManyPackets() throws Exception {
        assertEquals(2, decodeText("1:21:2").size());
        assertReason(Reason.TOO_MANY_PACKETS, () -> CODEC.decodePayload("1:21:21:2".getBytes(StandardCharsets.UTF_8),
                false, 2));
        assertReason(Reason.TOO_MANY_PACKETS, () -> CODEC.decodePayload(bytes(0, 1, 255, 50, 0, 1, 255, 50), true, 1));
    }

    // ---- a body read a slice at a time ----

    @Test
    void aTextBodyIsDecodedFromAnOffsetInUtf16Units() throws Exception {
        // "2:4a" 0-3, "1:2" 4-6, "0:" 7-8 (empty, skipped), "6:b4AQI=" 9-16, "2:4é" 17-20.
        String body = "2:4a1:20:6:b4AQI=2:4é";
        List<EnginePacket> out = new ArrayList<>();
        assertEquals(7, CODEC.decodeTextPayload(body, 0, 2, out));
        assertEquals(List.of(EnginePacket.message("a"), EnginePacket.PING), out);
        out.clear();
        assertEquals(21, CODEC.decodeTextPayload(body, 7, 2, out), "the empty packet counts for nothing");
        assertArrayEquals(new byte[] {1, 2}, out.get(0).binary());
        assertEquals(EnginePacket.message("é"), out.get(1));

        EngineCodec.PayloadReader reader = CODEC.payloadReader(body.getBytes(StandardCharsets.UTF_8), false);
        assertEquals(2, reader.next(2).size());
        assertTrue(reader.hasNext());
        assertEquals(2, reader.next(2).size());
        assertFalse(reader.hasNext(), "the last packet of the body ends the second slice");
        assertEquals(4, decodeText(body).size());
        assertEquals(4, CODEC.decodePayload(body.getBytes(StandardCharsets.UTF_8), false, 4).size(),
                "a whole body of exactly the cap is no more than the cap");
    }

    @Test
    void emptyPacketsAfterASliceMakeAnEmptyLastSlice() throws Exception {
        EngineCodec.PayloadReader reader = CODEC.payloadReader("1:20:0:".getBytes(StandardCharsets.UTF_8), false);
        assertEquals(List.of(EnginePacket.PING), reader.next(1));
        assertTrue(reader.hasNext());
        assertEquals(List.of(), reader.next(1));
        assertFalse(reader.hasNext());
        assertReason(Reason.EMPTY_PACKET, () -> CODEC.payloadReader(new byte[0], false));
    }

    @Test
    void aBinaryBodyIsDecodedFromAnOffsetInBytes() throws Exception {
        // Text "4a" 0-4, binary {1, 2} 5-10, text "2" 11-14.
        byte[] body = bytes(0, 2, 255, '4', 'a', 1, 3, 255, 4, 1, 2, 0, 1, 255, '2');
        List<EnginePacket> out = new ArrayList<>();
        assertEquals(11, CODEC.decodeBinaryPayload(body, 0, 2, out));
        assertEquals(EnginePacket.message("a"), out.get(0));
        assertArrayEquals(new byte[] {1, 2}, out.get(1).binary());
        out.clear();
        assertEquals(15, CODEC.decodeBinaryPayload(body, 11, 2, out));
        assertEquals(List.of(EnginePacket.PING), out);

        EngineCodec.PayloadReader reader = CODEC.payloadReader(bytes(0, 1, 255, '2', 0, 1, 255, '3'), true);
        assertEquals(List.of(EnginePacket.PING), reader.next(1));
        assertEquals(List.of(EnginePacket.PONG), reader.next(1));
        assertFalse(reader.hasNext(), "the last packet of the body ends the second slice");
    }

    @Test
    void aMalformedPacketInALaterSliceIsStillRefused() throws Exception {
        EngineCodec.PayloadReader text = CODEC.payloadReader("1:21:21:7".getBytes(StandardCharsets.UTF_8), false);
        assertEquals(List.of(EnginePacket.PING, EnginePacket.PING), text.next(2));
        assertReason(Reason.UNKNOWN_TYPE, () -> text.next(2));

        EngineCodec.PayloadReader length = CODEC.payloadReader("1:21:29:4".getBytes(StandardCharsets.UTF_8), false);
        assertEquals(2, length.next(2).size());
        assertReason(Reason.BAD_LENGTH, () -> length.next(2));

        EngineCodec.PayloadReader binary = CODEC.payloadReader(bytes(0, 1, 255, 50, 0, 1, 255, 50, 2, 1, 255, 52), true);
        assertEquals(List.of(EnginePacket.PING, EnginePacket.PING), binary.next(2));
        assertReason(Reason.BAD_LENGTH, () -> binary.next(2));
    }

    private static List<EnginePacket> decodeText(String body) throws EngineDecodeException {
        return CODEC.decodePayload(body.getBytes(StandardCharsets.UTF_8), false, 10);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private interface Decoding {
        Object run() throws EngineDecodeException;
    }

    private static void assertReason(Reason reason, Decoding decoding) {
        EngineDecodeException e = assertThrows(EngineDecodeException.class, decoding::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
