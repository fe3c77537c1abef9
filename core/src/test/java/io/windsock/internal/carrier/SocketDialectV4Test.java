package io.windsock.internal.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Socket.IO v4 as socket.io-client 2.x (socket.io-parser 3.x) writes and reads it, over the v5 encoder. */
class SocketDialectV4Test {
    private final SocketDialectV5 v5 = new SocketDialectV5(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);
    private final SocketDialectV4 dialect = new SocketDialectV4(v5);

    private static List<EnginePacket> packets(Frames frames) {
        return ((EngineFrames) frames).packets();
    }

    private String text(SocketPacketType type, String namespace, Object data) {
        return packets(dialect.encode(new SocketPacket(type, namespace, SocketPacket.NO_ID, data))).get(0).text();
    }

    @Test
    void connectRepliesHaveNoPayloadAndRefusalsAreStrings() {
        assertNull(dialect.connectReply("s1", "p1"));
        assertEquals("0", text(SocketPacketType.CONNECT, "/", dialect.connectReply("s1", null)));
        assertEquals("0/chat,", text(SocketPacketType.CONNECT, "/chat", dialect.connectReply("s1", null)));
        assertEquals("4/chat,\"Invalid namespace\"",
                text(SocketPacketType.CONNECT_ERROR, "/chat", dialect.connectError("Invalid namespace", null)));
        // socket.io 4 sends err.data || err.message.
        assertEquals("4{\"code\":3}", text(SocketPacketType.CONNECT_ERROR, "/", dialect.connectError("no", Map.of("code", 3))));
        assertTrue(dialect.connectsMainImplicitly());
        assertFalse(dialect.supportsRecovery());
    }

    @Test
    void theConnectQueryIsTheAuth() throws Exception {
        SocketDialect.Decoder decoder = dialect.newDecoder();
        SocketPacket connect = decoder.text("0/chat?token=a%20b&n=1&n=2,");
        assertEquals("/chat", connect.namespace());
        assertEquals(Map.of("token", "a b", "n", "2"), dialect.connectAuth(connect));
        SocketPacket bare = decoder.text("0/chat,");
        assertEquals("/chat", bare.namespace());
        assertEquals(Map.of(), dialect.connectAuth(bare));
        SocketPacket noComma = decoder.text("0/chat?x=1");
        assertEquals("/chat", noComma.namespace());
        assertEquals(Map.of("x", "1"), dialect.connectAuth(noComma));
        // A malformed escape keeps its component as sent (as Node's querystring), not an exception.
        assertEquals(Map.of("a", "%zz", "b", "c d"), dialect.connectAuth(decoder.text("0/chat?a=%zz&b=c%20d,")));
        // Other packets keep their namespace as sent.
        assertEquals("/chat", decoder.text("2/chat,[\"e\"]").namespace());
    }

    /**
     * Node's querystring (url.parse(nsp, true)) splits a query on "&" only: a semicolon, which a 2.x
     * client's string query may carry raw, is part of its value.
     */
    @Test
    void aSemicolonInTheConnectQueryIsNoSeparator() throws Exception {
        SocketDialect.Decoder decoder = dialect.newDecoder();
        assertEquals(Map.of("token", "a;b", "n", "1"), dialect.connectAuth(decoder.text("0/chat?token=a;b&n=1,")));
        // The same when an escape is malformed (the lenient path).
        assertEquals(Map.of("token", "a;b", "x", "%zz"), dialect.connectAuth(decoder.text("0/chat?token=a;b&x=%zz,")));
    }

    @Test
    void socketIdsAsTheClientComputesThem() {
        assertEquals("abc", dialect.socketId("abc", "/"));
        assertEquals("/chat#abc", dialect.socketId("abc", "/chat"));
        assertNull(v5.socketId("abc", "/chat"));
    }

    @Test
    void broadcastFramesAreSharedWithV5() {
        EncodedBroadcast packet = new EncodedBroadcast(SocketPacket.event("/", List.of("e", new byte[] {1}), SocketPacket.NO_ID), null);
        assertSame(v5.frames(packet), dialect.frames(packet), "one encoding for both generations");
    }

    @Test
    void theRecoveryOffsetIsStrippedForV4Clients() {
        EncodedBroadcast packet = new EncodedBroadcast(SocketPacket.event("/", List.of("e", 1, "offset-7"), SocketPacket.NO_ID),
                "offset-7");
        assertEquals("2[\"e\",1,\"offset-7\"]", packets(v5.frames(packet)).get(0).text());
        assertEquals("2[\"e\",1]", packets(dialect.frames(packet)).get(0).text());
        assertSame(dialect.frames(packet), dialect.frames(packet), "cached in its own slot");
    }
}
