package io.windsock.internal.carrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SocketDialectV5Test {
    private final SocketDialectV5 dialect = new SocketDialectV5(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);

    private static List<EnginePacket> packets(Frames frames) {
        return ((EngineFrames) frames).packets();
    }

    private static String text(SocketPacket packet, SocketDialectV5 dialect) {
        return packets(dialect.encode(packet)).get(0).text();
    }

    @Test
    void encodesEventsAsOneMessageAndBinaryAsAttachmentsAfterIt() {
        assertEquals(List.of(EnginePacket.message("2/chat,[\"e\",1]")),
                packets(dialect.encode(SocketPacket.event("/chat", List.of("e", 1), SocketPacket.NO_ID))));
        List<EnginePacket> binary = packets(dialect.encode(
                SocketPacket.event("/", List.of("e", new byte[] {1, 2}), 7)));
        assertEquals(2, binary.size());
        assertEquals("51-7[\"e\",{\"_placeholder\":true,\"num\":0}]", binary.get(0).text());
        assertArrayEquals(new byte[] {1, 2}, binary.get(1).binary());
        assertEquals(binary.get(0).byteSize() + 2, dialect.encode(
                SocketPacket.event("/", List.of("e", new byte[] {1, 2}), 7)).byteSize());
    }

    @Test
    void connectReplyAndErrorAreObjects() {
        assertEquals("0/a,{\"sid\":\"s1\"}", text(new SocketPacket(SocketPacketType.CONNECT, "/a", SocketPacket.NO_ID,
                dialect.connectReply("s1", null)), dialect));
        assertEquals("0{\"sid\":\"s1\",\"pid\":\"p1\"}", text(new SocketPacket(SocketPacketType.CONNECT, "/",
                SocketPacket.NO_ID, dialect.connectReply("s1", "p1")), dialect));
        assertEquals("4/a,{\"message\":\"Invalid namespace\"}", text(new SocketPacket(SocketPacketType.CONNECT_ERROR,
                "/a", SocketPacket.NO_ID, dialect.connectError("Invalid namespace", null)), dialect));
        assertEquals("4{\"message\":\"no\",\"data\":{\"code\":3}}", text(new SocketPacket(SocketPacketType.CONNECT_ERROR,
                "/", SocketPacket.NO_ID, dialect.connectError("no", Map.of("code", 3))), dialect));
        assertFalse(dialect.connectsMainImplicitly());
    }

    @Test
    void decodesTextThenAttachmentsAndTakesTheAuthFromTheConnectPayload() throws Exception {
        SocketDialect.Decoder decoder = dialect.newDecoder();
        SocketPacket connect = decoder.text("0/a,{\"token\":\"t\"}");
        assertEquals(Map.of("token", "t"), dialect.connectAuth(connect));
        assertEquals(Map.of(), dialect.connectAuth(decoder.text("0/b,")));
        assertNull(decoder.text("51-[\"e\",{\"_placeholder\":true,\"num\":0}]"));
        SocketPacket event = decoder.binary(new byte[] {9});
        assertEquals(SocketPacketType.BINARY_EVENT, event.type());
        assertArrayEquals(new byte[] {9}, (byte[]) event.args().get(1));
    }

    @Test
    void aBroadcastIsEncodedOncePerDialectEvenWhenRecipientsRace() throws Exception {
        EncodedBroadcast packet = new EncodedBroadcast(SocketPacket.event("/", List.of("e"), SocketPacket.NO_ID), null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Frames>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return dialect.frames(packet);
                }));
            }
            start.countDown();
            Frames first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Frames> result : results) {
                assertSame(first, result.get(10, TimeUnit.SECONDS)); // every recipient shares one encoding
            }
            assertSame(first, packet.encoding(SocketDialect.V5));
            assertNull(packet.encoding(SocketDialect.V4));
        } finally {
            pool.shutdownNow();
        }
    }
}
