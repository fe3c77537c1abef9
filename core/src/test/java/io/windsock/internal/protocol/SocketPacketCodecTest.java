package io.windsock.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.SocketDecodeException.Reason;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket.IO v5 wire fixtures, checked against what {@code socket.io-parser} 4.2.x writes and reads.
 */
class SocketPacketCodecTest {
    private static final JsonCodec JSON = new JacksonJsonCodec();
    private static final long NO_ID = SocketPacket.NO_ID;

    private final SocketPacketEncoder encoder = new SocketPacketEncoder(JSON);
    private SocketPacketDecoder decoder;

    @BeforeEach
    void newDecoder() {
        decoder = new SocketPacketDecoder(JSON, ProtocolLimits.DEFAULT);
    }

    // ---- text fixtures, both ways ----

    @Test
    void connectMainNamespace() throws Exception {
        assertBothWays("0", new SocketPacket(SocketPacketType.CONNECT, "/", NO_ID, null));
    }

    @Test
    void connectWithAuth() throws Exception {
        assertBothWays("0{\"token\":\"abc\"}", new SocketPacket(SocketPacketType.CONNECT, "/", NO_ID, Map.of("token", "abc")));
    }

    @Test
    void connectNamespaceWithAuth() throws Exception {
        assertBothWays("0/admin,{\"token\":\"abc\"}",
                new SocketPacket(SocketPacketType.CONNECT, "/admin", NO_ID, Map.of("token", "abc")));
    }

    @Test
    void connectNamespace() throws Exception {
        assertBothWays("0/admin,", new SocketPacket(SocketPacketType.CONNECT, "/admin", NO_ID, null));
        // The reference also reads a namespace that ends the packet without its comma.
        assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/admin", NO_ID, null), decoder.decode("0/admin"));
    }

    @Test
    void connectReplyWithSid() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sid", "oSO0OpakMV_3jnilAAAA");
        assertBothWays("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}",
                new SocketPacket(SocketPacketType.CONNECT, "/admin", NO_ID, data));
    }

    @Test
    void disconnect() throws Exception {
        assertBothWays("1", new SocketPacket(SocketPacketType.DISCONNECT, "/", NO_ID, null));
        assertBothWays("1/admin,", new SocketPacket(SocketPacketType.DISCONNECT, "/admin", NO_ID, null));
    }

    @Test
    void event() throws Exception {
        assertBothWays("2[\"hello\",1]", SocketPacket.event("/", List.of("hello", 1), NO_ID));
    }

    @Test
    void eventWithNamespaceAndAckId() throws Exception {
        assertBothWays("2/admin,456[\"project:delete\",123]",
                SocketPacket.event("/admin", List.of("project:delete", 123), 456));
    }

    @Test
    void eventWithAckIdOnMainNamespace() throws Exception {
        assertBothWays("212[\"hello\"]", SocketPacket.event("/", List.of("hello"), 12));
        assertBothWays("20[\"hello\"]", SocketPacket.event("/", List.of("hello"), 0));
    }

    @Test
    void eventWithStructuredArgs() throws Exception {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("a", 1);
        obj.put("b", Arrays.asList("x", null, true, 2.5));
        obj.put("c", Map.of());
        assertBothWays("2[\"chat\",{\"a\":1,\"b\":[\"x\",null,true,2.5],\"c\":{}},\"€ 😀\"]",
                SocketPacket.event("/", List.of("chat", obj, "€ 😀"), NO_ID));
    }

    @Test
    void ack() throws Exception {
        assertBothWays("3/admin,456[]", SocketPacket.ack("/admin", 456, List.of()));
        assertBothWays("31[\"ok\",{\"n\":2}]", SocketPacket.ack("/", 1, List.of("ok", Map.of("n", 2))));
    }

    @Test
    void connectError() throws Exception {
        assertBothWays("4{\"message\":\"Invalid namespace\"}",
                new SocketPacket(SocketPacketType.CONNECT_ERROR, "/", NO_ID, Map.of("message", "Invalid namespace")));
        assertBothWays("4/admin,\"not authorized\"",
                new SocketPacket(SocketPacketType.CONNECT_ERROR, "/admin", NO_ID, "not authorized"));
    }

    @Test
    void eventNamedByANumber() throws Exception {
        // socket.io-parser accepts a number as the first element (typeof payload[0] === "number").
        SocketPacket packet = decoder.decode("2[1,\"a\"]");
        assertEquals(SocketPacketType.EVENT, packet.type());
        assertEquals(List.of(1, "a"), packet.args());
        assertEquals(List.of(2.5), decoder.decode("2[2.5]").args());
    }

    @Test
    void placeholderInATextEventIsLeftAlone() throws Exception {
        // Only binary packets are reconstructed; the reference does the same.
        SocketPacket packet = decoder.decode("2[\"a\",{\"_placeholder\":true,\"num\":0}]");
        assertEquals(List.of("a", Map.of("_placeholder", true, "num", 0)), packet.args());
    }

    // ---- binary packets ----

    @Test
    void decodeBinaryEvent() throws Exception {
        assertNull(decoder.decode("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]"));
        assertTrue(decoder.isReconstructing());
        SocketPacket packet = decoder.addBinary(new byte[] {1, 2, 3});
        assertFalse(decoder.isReconstructing());
        assertNotNull(packet);
        assertEquals(SocketPacketType.BINARY_EVENT, packet.type());
        assertEquals("/", packet.namespace());
        assertEquals(NO_ID, packet.id());
        assertEquals(2, packet.args().size());
        assertEquals("hello", packet.args().get(0));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) packet.args().get(1));
        // The decoder is ready for the next packet.
        assertEquals(SocketPacket.event("/", List.of("next"), NO_ID), decoder.decode("2[\"next\"]"));
    }

    @Test
    void decodeBinaryAck() throws Exception {
        assertNull(decoder.decode("61-/admin,456[{\"_placeholder\":true,\"num\":0}]"));
        SocketPacket packet = decoder.addBinary(new byte[] {9});
        assertEquals(SocketPacketType.BINARY_ACK, packet.type());
        assertEquals("/admin", packet.namespace());
        assertEquals(456, packet.id());
        assertEquals(1, packet.args().size());
        assertArrayEquals(new byte[] {9}, (byte[]) packet.args().get(0));
    }

    @Test
    void decodeBinaryEventWithNestedAttachmentsInAnyOrder() throws Exception {
        assertNull(decoder.decode("52-/admin,7[\"upload\",{\"meta\":{\"x\":1},\"parts\":"
                + "[{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]}]"));
        assertNull(decoder.addBinary(new byte[] {0}));
        assertTrue(decoder.isReconstructing());
        SocketPacket packet = decoder.addBinary(new byte[] {1});
        assertEquals(SocketPacketType.BINARY_EVENT, packet.type());
        assertEquals(7, packet.id());
        Map<?, ?> arg = (Map<?, ?>) packet.args().get(1);
        assertEquals(Map.of("x", 1), arg.get("meta"));
        List<?> parts = (List<?>) arg.get("parts");
        assertArrayEquals(new byte[] {1}, (byte[]) parts.get(0));
        assertArrayEquals(new byte[] {0}, (byte[]) parts.get(1));
    }

    @Test
    void aPlaceholderDeeperThanSixtyFourLevelsIsReplaced() throws Exception {
        // 51-["e",[[...70 arrays...[{"_placeholder":true,"num":0}]...]]]: 72 levels, within the default 100
        String wire = "51-[\"e\"," + "[".repeat(70) + "{\"_placeholder\":true,\"num\":0}" + "]".repeat(70) + "]";
        assertNull(decoder.decode(wire));
        SocketPacket packet = decoder.addBinary(new byte[] {7});
        assertEquals("e", packet.args().get(0));
        assertArrayEquals(new byte[] {7}, (byte[]) innermost(packet.args().get(1), 70));
    }

    @Test
    void aPlaceholderIsReplacedAtTheDeepestLevelTheReaderAccepts() throws Exception {
        ProtocolLimits deep = new ProtocolLimits(10, 15, 1_000_000, 1_000);
        decoder = new SocketPacketDecoder(new JacksonJsonCodec(new com.fasterxml.jackson.databind.ObjectMapper(), deep), deep);
        // The event's array, 998 arrays in it, then the placeholder: 1,000 levels.
        String wire = "51-[\"e\"," + "[".repeat(998) + "{\"_placeholder\":true,\"num\":0}" + "]".repeat(998) + "]";
        assertNull(decoder.decode(wire));
        SocketPacket packet = decoder.addBinary(new byte[] {7});
        assertArrayEquals(new byte[] {7}, (byte[]) innermost(packet.args().get(1), 998));
        // One level more is refused by the reader.
        decoder.reset();
        assertReason(Reason.JSON_LIMIT, "51-[\"e\"," + "[".repeat(999) + "{\"_placeholder\":true,\"num\":0}"
                + "]".repeat(999) + "]");
    }

    /** @return the only item of {@code levels} nested one-item lists */
    private static Object innermost(Object value, int levels) {
        for (int i = 0; i < levels; i++) {
            List<?> list = (List<?>) value;
            assertEquals(1, list.size());
            value = list.get(0);
        }
        return value;
    }

    @Test
    void binaryEventWithNoAttachmentsIsCompleteAtOnce() throws Exception {
        SocketPacket packet = decoder.decode("50-[\"hello\"]");
        assertNotNull(packet);
        assertEquals(SocketPacketType.BINARY_EVENT, packet.type());
        assertEquals(List.of("hello"), packet.args());
        assertFalse(decoder.isReconstructing());
    }

    /**
     * While its attachments are awaited, a packet is held as its text, not as the values it decodes to:
     * a megabyte of {@code [{},{},...]} decodes to some 20 MB, which no bound counts until the packet is
     * complete (measured: 20 connections each holding one such packet held 400 MB). Its text is still
     * read at once, so a malformed one is refused when it arrives, as Node's parser does.
     */
    @Test
    void aPacketAwaitingAttachmentsHoldsItsTextNotItsValues() throws Exception {
        List<java.lang.ref.WeakReference<Object>> read = new ArrayList<>();
        JsonCodec recording = new JsonCodec() {
            @Override
            public Object read(String json) throws java.io.IOException {
                Object value = JSON.read(json);
                read.add(new java.lang.ref.WeakReference<>(value));
                return value;
            }

            @Override
            public String write(Object value) {
                return JSON.write(value);
            }
        };
        decoder = new SocketPacketDecoder(recording, ProtocolLimits.DEFAULT);
        assertNull(decoder.decode("51-[\"a\",[{},{}],{\"_placeholder\":true,\"num\":0}]"));
        assertTrue(decoder.isReconstructing());
        for (int i = 0; i < 50 && read.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
        }
        assertTrue(read.stream().allMatch(r -> r.get() == null), "the decoded values are still held");
        SocketPacket packet = decoder.addBinary(new byte[] {5});
        assertEquals(List.of(Map.of(), Map.of()), packet.args().get(1));
        assertArrayEquals(new byte[] {5}, (byte[]) packet.args().get(2));
        assertReason(Reason.INVALID_JSON, "51-[\"a\",{\"_placeholder\":true,\"num\":0}");
    }

    @Test
    void resetDropsAPartialPacket() throws Exception {
        assertNull(decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
        decoder.reset();
        assertFalse(decoder.isReconstructing());
        assertEquals(SocketPacket.event("/", List.of("b"), NO_ID), decoder.decode("2[\"b\"]"));
    }

    @Test
    void encodeEventWithBinaryNestedInMapsAndLists() {
        byte[] first = {1};
        ByteBuffer second = ByteBuffer.wrap(new byte[] {9, 2, 3, 9}, 1, 2);
        byte[] third = {4};
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("name", "a.bin");
        file.put("data", first);
        file.put("parts", List.of(second, "x"));
        List<Object> args = new ArrayList<>(List.of("upload", file, third));
        args.add(null);

        SocketPacketEncoder.Encoded encoded = encoder.encode(SocketPacket.event("/", args, NO_ID));

        assertTrue(encoded.isBinary());
        assertEquals("53-[\"upload\",{\"name\":\"a.bin\",\"data\":{\"_placeholder\":true,\"num\":0},"
                + "\"parts\":[{\"_placeholder\":true,\"num\":1},\"x\"]},{\"_placeholder\":true,\"num\":2},null]",
                encoded.text());
        assertEquals(3, encoded.attachments().size());
        assertArrayEquals(new byte[] {1}, encoded.attachments().get(0));
        assertArrayEquals(new byte[] {2, 3}, encoded.attachments().get(1));
        assertArrayEquals(new byte[] {4}, encoded.attachments().get(2));
        // The application's buffer is not consumed.
        assertEquals(1, second.position());
        assertEquals(2, second.remaining());
    }

    @Test
    void encodeEventWithBinaryInAnObjectArray() {
        SocketPacketEncoder.Encoded encoded = encoder.encode(
                SocketPacket.event("/", List.of("e", new Object[] {"a", new byte[] {5}}), NO_ID));
        assertEquals("51-[\"e\",[\"a\",{\"_placeholder\":true,\"num\":0}]]", encoded.text());
        assertArrayEquals(new byte[] {5}, encoded.attachments().get(0));
    }

    @Test
    void encodeBinaryEventWithNamespaceAndId() {
        SocketPacketEncoder.Encoded encoded = encoder.encode(
                SocketPacket.event("/admin", List.of("file", new byte[] {1, 2}), 456));
        assertEquals("51-/admin,456[\"file\",{\"_placeholder\":true,\"num\":0}]", encoded.text());
        assertArrayEquals(new byte[] {1, 2}, encoded.attachments().get(0));
    }

    @Test
    void encodeAckWithBinary() {
        SocketPacketEncoder.Encoded encoded = encoder.encode(
                SocketPacket.ack("/admin", 456, List.of(new byte[] {7}, "ok")));
        assertTrue(encoded.isBinary());
        assertEquals("61-/admin,456[{\"_placeholder\":true,\"num\":0},\"ok\"]", encoded.text());
        assertEquals(1, encoded.attachments().size());
        assertArrayEquals(new byte[] {7}, encoded.attachments().get(0));
    }

    @Test
    void encodeTextOnlyPacketHasNoAttachments() {
        SocketPacketEncoder.Encoded encoded = encoder.encode(SocketPacket.event("/", List.of("hello", 1), NO_ID));
        assertFalse(encoded.isBinary());
        assertEquals(List.of(), encoded.attachments());
    }

    @Test
    void binaryTypeWithoutBinaryIsSentAsPlainEvent() {
        // socket.io-parser 4.2.x keeps waiting for attachments after "50-...", so the client would fail on the
        // next text packet: a binary type with nothing binary goes out as a plain EVENT / ACK.
        assertEquals("2[\"hello\"]", encoder.encodeText(
                new SocketPacket(SocketPacketType.BINARY_EVENT, "/", NO_ID, List.of("hello"))));
        assertEquals("3/admin,4[]", encoder.encodeText(
                new SocketPacket(SocketPacketType.BINARY_ACK, "/admin", 4, List.of())));
    }

    @Test
    void decodedBinaryPacketReEncodesToTheSameWireForm() throws Exception {
        String text = "51-/admin,3[\"hello\",{\"_placeholder\":true,\"num\":0}]";
        assertNull(decoder.decode(text));
        SocketPacket packet = decoder.addBinary(new byte[] {1, 2});
        SocketPacketEncoder.Encoded encoded = encoder.encode(packet);
        assertEquals(text, encoded.text());
        assertArrayEquals(new byte[] {1, 2}, encoded.attachments().get(0));
    }

    @Test
    void encodeTextRejectsBinary() {
        assertThrows(IllegalArgumentException.class,
                () -> encoder.encodeText(SocketPacket.event("/", List.of("e", new byte[] {1}), NO_ID)));
    }

    @Test
    void hasBinary() {
        assertTrue(SocketPacketEncoder.hasBinary(new byte[0]));
        assertTrue(SocketPacketEncoder.hasBinary(ByteBuffer.allocate(1)));
        assertTrue(SocketPacketEncoder.hasBinary(List.of(Map.of("k", List.of(new byte[1])))));
        assertTrue(SocketPacketEncoder.hasBinary(new Object[] {"a", new byte[1]}));
        assertFalse(SocketPacketEncoder.hasBinary(null));
        assertFalse(SocketPacketEncoder.hasBinary(List.of("a", Map.of("k", 1))));
    }

    // ---- malformed input ----

    @Test
    void emptyPacket() {
        assertReason(Reason.EMPTY_PACKET, "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9", "7[\"a\"]", "a", "/", "-1", " 2[\"a\"]"})
    void unknownType(String text) {
        assertReason(Reason.UNKNOWN_TYPE, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5abc-[\"a\"]", "5[\"a\"]", "51[\"a\"]", "5", "5-[\"a\"]", "6x-[]", "51a-[\"a\"]",
            "51[\"a-b\"]", "61234567890-[]"})
    void illegalAttachments(String text) {
        assertReason(Reason.ILLEGAL_ATTACHMENTS, text);
    }

    @Test
    void tooManyAttachments() throws Exception {
        assertNull(decoder.decode("510-[\"a\"]"));
        newDecoder();
        assertReason(Reason.TOO_MANY_ATTACHMENTS, "511-[\"a\"]");
        assertReason(Reason.TOO_MANY_ATTACHMENTS, "6999999999-[]");
        decoder = new SocketPacketDecoder(JSON, new ProtocolLimits(0, 15, 1000));
        assertReason(Reason.TOO_MANY_ATTACHMENTS, "51-[\"a\",{\"_placeholder\":true,\"num\":0}]");
        assertNotNull(decoder.decode("50-[\"a\"]"));
    }

    /**
     * A limit raised as far as it goes (Node's parser takes any count it is configured for): announcing
     * attachments costs nothing until they arrive, so a packet announcing a billion (the most the count's nine
     * digits hold) is no array of a billion slots, 4 GB, reserved before a byte of them is sent.
     */
    @Test
    void anAnnouncedCountReservesNothingUpFront() throws Exception {
        decoder = new SocketPacketDecoder(JSON, new ProtocolLimits(Integer.MAX_VALUE, 15, 1000));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertNull(decoder.decode("5999999999-[\"a\",{\"_placeholder\":true,\"num\":1}]"));
        assertNull(decoder.addBinary(new byte[] {0}));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1_000_000, allocated + " bytes allocated");
        assertTrue(decoder.isReconstructing());
        decoder.reset();
        assertNull(decoder.decode("52-[\"a\",{\"_placeholder\":true,\"num\":1}]"));
        assertNull(decoder.addBinary(new byte[] {0}));
        assertArrayEquals(new byte[] {1}, (byte[]) decoder.addBinary(new byte[] {1}).args().get(1));
    }

    @Test
    void ackIdTooLong() throws Exception {
        assertEquals(999_999_999_999_999L, decoder.decode("3999999999999999[]").id());
        assertReason(Reason.ACK_ID_TOO_LONG, "31234567890123456[]");
        assertReason(Reason.ACK_ID_TOO_LONG, "2/admin,12345678901234567890123[\"a\"]");
        decoder = new SocketPacketDecoder(JSON, new ProtocolLimits(10, 3, 1000));
        assertEquals(123, decoder.decode("3123[]").id());
        assertReason(Reason.ACK_ID_TOO_LONG, "31234[]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2[", "2[\"a\",]", "2{\"a\":1", "2[\"a\"]x", "2[\"a\"][]", "0{token:1}", "2['a']",
            "3/admin,1[}", "2[\"a\" \"b\"]", "2[NaN]"})
    void invalidJson(String text) {
        assertReason(Reason.INVALID_JSON, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2{\"a\":1}", // event payload not an array
        "2[]", // no event name
        "2[\"connect\"]", "2[\"connect_error\"]", "2[\"disconnect\"]", "2[\"disconnecting\"]",
        "2[\"newListener\"]", "2[\"removeListener\"]", // reserved names
        "2[true]", "2[null]", "2[{}]", "2[[\"a\"]]", // name neither a string nor a number
        "2\"hello\"", "21", "2", "2/admin,", // no array
        "1{}", "1/admin,{}", "1[]", "1\"x\"", // disconnect with a payload
        "0[]", "0\"token\"", "0null", "0/admin,[]", // connect payload not an object
        "3/admin,1{}", "31\"a\"", "3/admin,1", "3", // ack payload not an array
        "4[]", "4null", "4true", // connect error neither a string nor an object
        "51-[\"connect\",{\"_placeholder\":true,\"num\":0}]", // binary event with a reserved name
        "51-[{\"_placeholder\":true,\"num\":0}]", // binary event whose name is the attachment
        "61-1{\"_placeholder\":true,\"num\":0}", // binary ack payload not an array
    })
    void invalidPayload(String text) {
        assertReason(Reason.INVALID_PAYLOAD, text);
    }

    @Test
    void textWhileReconstructing() throws Exception {
        assertNull(decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
        assertReason(Reason.UNEXPECTED_TEXT, "2[\"b\"]");
        assertTrue(decoder.isReconstructing());
    }

    @Test
    void binaryWhenNotReconstructing() throws Exception {
        SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> decoder.addBinary(new byte[] {1}));
        assertEquals(Reason.UNEXPECTED_BINARY, e.reason());
        // Nor after a complete binary packet.
        assertNull(decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
        assertNotNull(decoder.addBinary(new byte[] {1}));
        e = assertThrows(SocketDecodeException.class, () -> decoder.addBinary(new byte[] {2}));
        assertEquals(Reason.UNEXPECTED_BINARY, e.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "51-[\"a\",{\"_placeholder\":true,\"num\":1}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":-1}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]",
        "51-[\"a\",{\"_placeholder\":true}]",
        "51-[\"a\",{\"k\":[{\"_placeholder\":true,\"num\":1}]}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":99999999999}]",
    })
    void placeholderOutOfRange(String text) throws Exception {
        assertNull(decoder.decode(text));
        SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> decoder.addBinary(new byte[] {1}));
        assertEquals(Reason.BAD_PLACEHOLDER, e.reason());
        assertFalse(decoder.isReconstructing());
    }

    /**
     * One attachment named by many placeholders would come out of the decoder as as many references to
     * one array, which every copy of the arguments multiplies (re-emitting them, binding them to a
     * {@code List<byte[]>}): a megabyte named 33,000 times in a megabyte of text is 33 GB to copy. No
     * client names an attachment twice (socket.io-parser numbers each binary value it meets), so it is
     * refused as an illegal index is. Node's parser takes it.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "51-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]",
        "52-[\"a\",{\"_placeholder\":true,\"num\":1},{\"k\":[{\"_placeholder\":true,\"num\":1}]}]",
        "61-3[{\"_placeholder\":true,\"num\":0},[{\"_placeholder\":true,\"num\":0}]]",
    })
    void anAttachmentNamedTwiceIsRefused(String text) throws Exception {
        assertNull(decoder.decode(text));
        SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> {
            while (decoder.addBinary(new byte[] {1}) == null) {
                assertTrue(decoder.isReconstructing());
            }
        });
        assertEquals(Reason.BAD_PLACEHOLDER, e.reason());
        assertFalse(decoder.isReconstructing());
    }

    @Test
    void anAttachmentNoPlaceholderNamesIsDropped() throws Exception {
        assertNull(decoder.decode("52-[\"a\",{\"_placeholder\":true,\"num\":1}]"));
        assertNull(decoder.addBinary(new byte[] {0}));
        SocketPacket packet = decoder.addBinary(new byte[] {1});
        assertEquals(2, packet.args().size());
        assertArrayEquals(new byte[] {1}, (byte[]) packet.args().get(1));
    }

    /**
     * JSON has one number type: {@code 1.0} and {@code 1e0} are the number 1, and socket.io-parser takes
     * them as index 1 as it takes {@code 1}. A fraction names no attachment (Node's parser puts
     * {@code undefined} in its place): refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1e0", "1E0", "0.1e1", "1.00", "10e-1"})
    void anIntegralNumberInAnyFormNamesItsAttachment(String num) throws Exception {
        assertNull(decoder.decode("52-[\"a\",{\"_placeholder\":true,\"num\":" + num + "}]"));
        assertNull(decoder.addBinary(new byte[] {0}));
        SocketPacket packet = decoder.addBinary(new byte[] {1});
        assertArrayEquals(new byte[] {1}, (byte[]) packet.args().get(1));
        assertNull(decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]"));
        SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> decoder.addBinary(new byte[] {1}));
        assertEquals(Reason.BAD_PLACEHOLDER, e.reason());
    }

    @Test
    void placeholderInABinaryPacketWithNoAttachments() {
        assertReason(Reason.BAD_PLACEHOLDER, "50-[\"a\",{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void packetTooLarge() throws Exception {
        decoder = new SocketPacketDecoder(JSON, new ProtocolLimits(10, 15, 16));
        String seventeen = "2[\"0123456789ab\"]";
        assertEquals(17, seventeen.length());
        assertReason(Reason.PACKET_TOO_LARGE, seventeen);
        String sixteen = "2[\"0123456789a\"]";
        assertEquals(16, sixteen.length());
        assertNotNull(decoder.decode(sixteen));
        // The length is checked before anything else.
        assertReason(Reason.PACKET_TOO_LARGE, "9".repeat(17));
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ProtocolLimits(-1, 15, 1000));
        assertThrows(IllegalArgumentException.class, () -> new ProtocolLimits(10, 0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new ProtocolLimits(10, 19, 1000));
        assertThrows(IllegalArgumentException.class, () -> new ProtocolLimits(10, 15, 0));
    }

    // ---- helpers ----

    private void assertBothWays(String wire, SocketPacket packet) throws SocketDecodeException {
        SocketPacketEncoder.Encoded encoded = encoder.encode(packet);
        assertEquals(wire, encoded.text(), "encode " + packet);
        assertFalse(encoded.isBinary());
        SocketPacket decoded = decoder.decode(wire);
        assertEquals(packet, decoded, "decode " + wire);
    }

    private void assertReason(Reason reason, String text) {
        SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> decoder.decode(text),
                () -> "decoding " + text);
        assertEquals(reason, e.reason(), () -> "decoding " + text + ": " + e.getMessage());
    }
}
