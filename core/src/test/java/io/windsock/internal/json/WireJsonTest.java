package io.windsock.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.internal.protocol.SocketDecodeException.Reason;
import io.windsock.protocol.SocketPacket;
import io.windsock.internal.protocol.SocketPacketDecoder;
import io.windsock.internal.protocol.SocketPacketEncoder;
import io.windsock.protocol.SocketPacketType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The wire's JSON reader, with literal packets: it is Windsock's own and locked down, whatever the
 * application did to its mapper; and text with unpaired surrogates goes both ways unchanged.
 */
class WireJsonTest {
    /** What an application might configure: default typing on, and the read limits relaxed. */
    private static ObjectMapper permissiveAppMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).build());
        mapper.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.EVERYTHING);
        return mapper;
    }

    private final JacksonJsonCodec codec = new JacksonJsonCodec(permissiveAppMapper(), ProtocolLimits.DEFAULT);
    private final SocketPacketDecoder decoder = new SocketPacketDecoder(codec, ProtocolLimits.DEFAULT);

    private static String nested(int depth) {
        // 2["ev",[[[...]]]]: the event list itself is one level
        return "2[\"ev\"," + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "]";
    }

    @Test
    void depthOfOneHundredIsRead() throws Exception {
        SocketPacket packet = decoder.decode(nested(100));
        assertEquals("ev", packet.args().get(0));
    }

    @Test
    void depthOfOneHundredAndOneIsRefused() {
        SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> decoder.decode(nested(101)));
        assertEquals(Reason.JSON_LIMIT, e.reason());
        assertEquals(true, e.getMessage().contains("100"), e.getMessage());
    }

    @Test
    void fiveThousandLevelsAreRefusedWithoutAStackOverflow() {
        for (String deep : List.of(nested(5_000), "2[\"ev\"," + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "]",
                "2[\"ev\"," + "[".repeat(100_000))) {
            SocketDecodeException e = assertThrows(SocketDecodeException.class, () -> decoder.decode(deep));
            assertEquals(Reason.JSON_LIMIT, e.reason());
        }
    }

    /**
     * The deepest nesting the limits allow, read on a thread with a small stack: a reader that recursed
     * per level would overflow it (an Error that would escape onto a network thread).
     */
    @Test
    void theDeepestAllowedNestingIsReadWithoutStack() throws Exception {
        int depth = 10_000;
        JacksonJsonCodec deep = new JacksonJsonCodec(new ObjectMapper(), new ProtocolLimits(10, 15, 1_000_000, depth));
        String json = "[".repeat(depth - 1) + "{\"k\":1}" + "]".repeat(depth - 1);
        AtomicReference<Object> read = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                read.set(deep.read(json));
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "small-stack", 128 * 1024);
        small.start();
        small.join(30_000);
        assertNull(failed.get());
        Object value = read.get();
        int levels = 1;
        while (value instanceof List<?> list) {
            assertEquals(1, list.size());
            value = list.get(0);
            levels++;
        }
        assertEquals(Map.of("k", 1), value);
        assertEquals(depth, levels);
    }

    @Test
    void theConfiguredDepthApplies() throws Exception {
        ProtocolLimits limits = new ProtocolLimits(10, 15, 1_000_000, 3);
        SocketPacketDecoder shallow = new SocketPacketDecoder(new JacksonJsonCodec(new ObjectMapper(), limits), limits);
        assertNotNull(shallow.decode("2[\"ev\",[[1]]]"));
        assertEquals(Reason.JSON_LIMIT,
                assertThrows(SocketDecodeException.class, () -> shallow.decode("2[\"ev\",[[[1]]]]")).reason());
    }

    @Test
    void twentyDigitAckIdIsRefused() {
        // Node reads 12345678901234567890 as 12345678901234567000 and acks the wrong id.
        SocketDecodeException e = assertThrows(SocketDecodeException.class,
                () -> decoder.decode("212345678901234567890[\"ev\"]"));
        assertEquals(Reason.ACK_ID_TOO_LONG, e.reason());
    }

    @Test
    void overlongNumberIsRefused() {
        SocketDecodeException e = assertThrows(SocketDecodeException.class,
                () -> decoder.decode("2[\"ev\"," + "9".repeat(101) + "]"));
        assertEquals(Reason.JSON_LIMIT, e.reason());
    }

    @Test
    void bigIntegersAndDoublesStayPlainNumbers() throws Exception {
        List<Object> args = decoder.decode("2[\"ev\",1,12345678901,123456789012345678901234567890,1.5]").args();
        assertEquals(List.of("ev", 1, 12345678901L, new java.math.BigInteger("123456789012345678901234567890"), 1.5), args);
    }

    @Test
    void duplicateKeysAreRefused() {
        SocketDecodeException e = assertThrows(SocketDecodeException.class,
                () -> decoder.decode("2[\"ev\",{\"role\":\"user\",\"role\":\"admin\"}]"));
        assertEquals(Reason.INVALID_JSON, e.reason());
    }

    /** Instantiated only if a type id in client JSON were honoured. */
    public static final class Gadget {
        static final AtomicInteger CREATED = new AtomicInteger();

        public Gadget() {
            CREATED.incrementAndGet();
        }

        public void setCommand(String command) {
        }
    }

    @Test
    void theApplicationsDefaultTypingIsNotUsedForIncomingJson() throws Exception {
        String gadget = Gadget.class.getName();
        // With EVERYTHING typing the app's mapper reads ["<class>", {...}] as an instance of <class>.
        assertInstanceOf(Gadget.class, permissiveAppMapper().readValue(
                "[\"" + gadget + "\",{\"command\":\"x\"}]", Object.class));
        Gadget.CREATED.set(0);

        SocketPacket packet = decoder.decode("2[\"ev\",[\"" + gadget + "\",{\"command\":\"x\"}],{\"@class\":\"" + gadget + "\"}]");
        assertEquals(List.of("ev", List.of(gadget, Map.of("command", "x")), Map.of("@class", gadget)), packet.args());
        packet = decoder.decode("2[\"" + gadget + "\",{\"command\":\"x\"}]");
        assertEquals(List.of(gadget, Map.of("command", "x")), packet.args());
        assertEquals(0, Gadget.CREATED.get());
    }

    // ---- unpaired surrogates ----

    @Test
    void unpairedSurrogatesAreDecodedAsThemselves() throws Exception {
        SocketPacket packet = decoder.decode("2[\"ev\",\"\\ud800\",\"a\\udc00b\",\"\\ud83d\\ude00\"]");
        assertEquals(List.of("ev", "\ud800", "a\udc00b", "\ud83d\ude00"), packet.args());
    }

    @Test
    void unpairedSurrogatesAreEncodedAsEscapesAndPairsAsThemselves() {
        SocketPacketEncoder encoder = new SocketPacketEncoder(new JacksonJsonCodec());
        String text = encoder.encodeText(SocketPacket.event("/", List.of("ev", "\ud800", "a\udc00b", "\ud83d\ude00",
                Map.of("k\udbff", "\udfff\ud800")), SocketPacket.NO_ID));
        // What JSON.stringify writes for the same values.
        assertEquals("2[\"ev\",\"\\ud800\",\"a\\udc00b\",\"\ud83d\ude00\",{\"k\\udbff\":\"\\udfff\\ud800\"}]", text);
        // Now plain UTF-8, nothing replaced by '?'.
        assertEquals(text, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void escapingLeavesOtherTextAlone() {
        String plain = "[\"h\u00e9llo \ud83d\ude00\",1]";
        assertEquals(true, plain == Surrogates.escapeUnpaired(plain));
        assertEquals("\"\\ud800\"", Surrogates.escapeUnpaired("\"\ud800\""));
        assertEquals("\"\\udc00\ud83d\ude00\\ud83d\"", Surrogates.escapeUnpaired("\"\udc00\ud83d\ude00\ud83d\""));
    }

    @Test
    void roundTripThroughTheWire() throws Exception {
        SocketPacketEncoder encoder = new SocketPacketEncoder(new JacksonJsonCodec());
        List<Object> args = List.of("echo", "\ud800", "x\udfffy", "\ud83d\ude00");
        String wire = encoder.encodeText(SocketPacket.event("/", args, SocketPacket.NO_ID));
        String afterUtf8 = new String(wire.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertEquals(args, decoder.decode(afterUtf8).args());
        assertEquals(SocketPacketType.EVENT, decoder.decode(afterUtf8).type());
    }
}
