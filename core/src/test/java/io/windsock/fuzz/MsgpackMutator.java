package io.windsock.fuzz;

import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.MsgpackPacketCodec;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded MessagePack messages of socket.io-msgpack-parser and mutations of them: well-formed packets whose
 * values JSON cannot carry (binary anywhere, {@code NaN}, integers past a long), notepack.io's own
 * fixtures (extension type 0 as binary, a date, {@code undefined}), and byte-level edits of both that aim
 * at a reader's type prefixes and lengths.
 */
public final class MsgpackMutator {
    /** notepack.io 2.2's messages: an event with options and an ack id, binary as extension, date and undefined, CONNECT. */
    private static final List<String> FIXTURES = List.of(
            "85a47479706502a46461746192a568656c6c6f81a46e616d65a44a6f6573a76f7074696f6e7381a8636f6d7072657373c3a2696403a36e7370a12f",
            "84a47479706502a46461746193a362696ec70300090807c4020102a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f",
            "84a47479706502a46461746194a47768656ed700000001a223be3e05d4000082a175d40000a16b01a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f",
            "83a47479706500a46461746181a5746f6b656ea174a36e7370a52f63686174",
            "84a47479706503a46461746192a17202a2696404a36e7370a12f",
            "82a47479706501a36e7370a52f63686174");
    private static final int[] INTERESTING = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc6,
        0xc7, 0xc9, 0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xd7, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff};
    private static final List<String> EVENTS = List.of("echo", "greet", "add", "post", "join", "shout", "blob",
            "nope", "", "connect", "disconnect", "__proto__", "é😀");
    private static final List<String> KEYS = List.of("name", "age", "text", "n", "tags", "room", "x", "__proto__",
            "_placeholder", "num", "");

    private final Random random;
    private final MsgpackPacketCodec codec = new MsgpackPacketCodec(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);
    private final List<byte[]> fixtures = FIXTURES.stream().map(HexFormat.of()::parseHex).toList();

    MsgpackMutator(long seed) {
        this.random = new Random(seed);
    }

    /** @return a packet as a MessagePack message: CONNECT to a namespace, as the client's first message there */
    byte[] connect(String namespace) {
        return codec.encode(new SocketPacket(SocketPacketType.CONNECT, namespace, SocketPacket.NO_ID, null));
    }

    /** @return one time in three a well-formed packet as it is, else a packet or a fixture mutated */
    byte[] next() {
        byte[] message = random.nextInt(3) == 0 ? fixtures.get(random.nextInt(fixtures.size())) : wellFormed();
        if (random.nextInt(3) == 0) {
            return message;
        }
        return mutate(message);
    }

    private byte[] wellFormed() {
        String namespace = random.nextBoolean() ? "/chat" : random.nextInt(8) == 0 ? "/dyn-1" : "/";
        if (random.nextInt(5) == 0) {
            return codec.encode(SocketPacket.ack(namespace, random.nextInt(1000), arguments()));
        }
        List<Object> event = new ArrayList<>();
        event.add(random.nextInt(10) == 0 ? value(0) : pick(EVENTS)); // not always a string
        event.addAll(arguments());
        return codec.encode(SocketPacket.event(namespace, event, random.nextBoolean() ? random.nextInt(1000)
                : SocketPacket.NO_ID));
    }

    private List<Object> arguments() {
        List<Object> args = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            args.add(value(0));
        }
        return args;
    }

    private Object value(int depth) {
        switch (random.nextInt(depth > 3 ? 6 : 8)) {
            case 0:
                return pick(Arrays.asList(null, true, false));
            case 1:
                return pick(List.of(0, -1, 3, 127, 128, -33, 65536, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE,
                        new BigInteger("18446744073709551615")));
            case 2:
                return pick(List.of(1.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY, 1e308, 4.9e-324));
            case 3:
            case 4:
                return pick(List.of("", "n", "r", "lobby", "é", "😀", "\ud800", "x".repeat(random.nextInt(300))));
            case 5: {
                byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(2048) : random.nextInt(16)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 6: {
                List<Object> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(value(depth + 1));
                }
                return items;
            }
            default: {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.put(pick(KEYS), value(depth + 1));
                }
                return object;
            }
        }
    }

    private byte[] mutate(byte[] message) {
        return mutate(message, random);
    }

    /**
     * One to three edits: a byte replaced (at random or by a type prefix or length extreme), the message cut
     * short, a byte inserted or removed. Also {@code MsgpackFuzzTest}'s, on the codec alone.
     */
    public static byte[] mutate(byte[] message, Random random) {
        byte[] out = message.clone();
        for (int edits = 1 + random.nextInt(3); edits > 0 && out.length > 0; edits--) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(5)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> out = Arrays.copyOf(out, at);
                case 3 -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                default -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
            }
        }
        return out;
    }

    boolean oneIn(int in) {
        return random.nextInt(in) == 0;
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
