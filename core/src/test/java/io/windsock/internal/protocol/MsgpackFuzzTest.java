package io.windsock.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.windsock.fuzz.MsgpackMutator;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid MessagePack packets (the fixtures of {@link MsgpackPacketCodecTest}): bytes
 * flipped, inserted, removed, lengths and counts set to their extremes, the message cut short. Each
 * mutant decodes to a packet or is refused with a {@link SocketDecodeException}: no other exception, no
 * allocation beyond what the message holds. What decodes encodes again to bytes that decode to the same
 * packet. A longer hunt: {@code -Dwindsock.fuzz.mutants=1000000 -Dwindsock.fuzz.seed=N}.
 */
class MsgpackFuzzTest {
    private static final int MUTANTS = Integer.getInteger("windsock.fuzz.mutants", 50_000);
    private static final long SEED = Long.getLong("windsock.fuzz.seed", 17);
    private static final List<String> SEEDS = List.of(
            "85a47479706502a46461746192a568656c6c6f81a46e616d65a44a6f6573a76f7074696f6e7381a8636f6d7072657373c3a2696403a36e7370a12f",
            "84a47479706502a46461746193a362696ec70300090807c4020102a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f",
            "84a47479706502a46461746194a47768656ed700000001a223be3e05d4000082a175d40000a16b01a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f",
            "83a47479706500a46461746181a5746f6b656ea174a36e7370a52f63686174",
            "84a47479706503a46461746192a17202a2696404a36e7370a12f",
            "83a47479706502a464617461dc0017a16e007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"
                    + "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"
                    + "cb3ff8000000000000cbbfd0000000000000cb7ff8000000000000cb7ff0000000000000a36e7370a12f",
            "83a47479706502a46461746192a16f83a161920181a162c0a174c3a166c2a36e7370a12f");
    private final MsgpackPacketCodec codec = new MsgpackPacketCodec(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);

    @Test
    void mutantsDecodeOrAreRefused() {
        Random random = new Random(SEED);
        List<byte[]> seeds = SEEDS.stream().map(HexFormat.of()::parseHex).toList();
        int decoded = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = MsgpackMutator.mutate(seeds.get(random.nextInt(seeds.size())), random);
            SocketPacket packet;
            try {
                packet = codec.decode(mutant);
            } catch (SocketDecodeException refused) {
                continue;
            } catch (RuntimeException | Error e) {
                fail("mutant " + i + " " + HexFormat.of().formatHex(mutant) + " threw " + e, e);
                return;
            }
            decoded++;
            try {
                assertEquals(plain(packet), plain(codec.decode(codec.encode(packet))), HexFormat.of().formatHex(mutant));
            } catch (SocketDecodeException e) {
                fail("mutant " + i + " " + HexFormat.of().formatHex(mutant) + " decoded as " + packet
                        + ", but not once encoded again: " + e.getMessage(), e);
            }
        }
        // Not a vacuous run: mutants of the fixtures still decode often enough to reach the codec's depths.
        if (decoded < MUTANTS / 50) {
            fail("only " + decoded + " of " + MUTANTS + " mutants decoded");
        }
    }

    /** The packet's fields and data with binary as lists, so equal contents compare equal. */
    private static Object plain(SocketPacket packet) {
        return List.of(packet.type(), packet.namespace(), packet.id(), String.valueOf(deepText(packet.data())));
    }

    private static Object deepText(Object value) {
        if (value instanceof byte[] bytes) {
            return "bin:" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(MsgpackFuzzTest::deepText).toList();
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, deepText(v)));
            return out;
        }
        if (value instanceof Double d && d.isNaN()) {
            return "NaN";
        }
        return value;
    }
}
