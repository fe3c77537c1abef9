package io.windsock.internal.carrier;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.protocol.MsgpackPacketCodec;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import java.util.List;
import java.util.Map;

/**
 * A generation's dialect ({@link SocketDialectV5} or {@link SocketDialectV4}) with its packets in the
 * format of {@code socket.io-msgpack-parser} ({@link MsgpackPacketCodec}): one binary Engine.IO message
 * per packet, in both directions; a text message from the client is refused, but from a 2.x client
 * (its parser sends CONNECT, DISCONNECT and ERROR as JSON text). What the packets mean
 * (the CONNECT reply, errors, the implicit "/", recovery) is the wrapped dialect's.
 *
 * <p>A server speaks one parser, as Node's does: with this one its Engine.IO clients have no JSON
 * dialect, so this one takes the slots of {@link EncodedBroadcast}'s cache the JSON dialects would use:
 * the packet as it is in {@link #V5}'s, without its recovery offset (for clients that cannot recover)
 * in {@link #V4}'s.
 */
public final class MsgpackDialect implements SocketDialect {
    private final SocketDialect semantics;
    private final MsgpackPacketCodec codec;

    /** @param semantics the Engine.IO generation's dialect: {@link SocketDialectV5} or {@link SocketDialectV4} */
    public MsgpackDialect(SocketDialect semantics, MsgpackPacketCodec codec) {
        if (semantics.id() != V5 && semantics.id() != V4) {
            throw new IllegalArgumentException("MessagePack packets ride on Engine.IO only");
        }
        this.semantics = semantics;
        this.codec = semantics.id() == V4 ? codec.forSocketIoV4() : codec;
    }

    @Override
    public int id() {
        return semantics.id();
    }

    @Override
    public EngineFrames encode(SocketPacket packet) {
        return new EngineFrames(List.of(EnginePacket.message(codec.encode(packet))));
    }

    /** Marked shared, so the WebSocket transport frames it once per event loop (see {@link EnginePacket#isShared()}). */
    @Override
    public EngineFrames encodeShared(SocketPacket packet) {
        return new EngineFrames(List.of(EnginePacket.sharedBinary(codec.encode(packet))));
    }

    @Override
    public Frames frames(EncodedPacket packet) {
        boolean withoutOffset = packet.offset() != null && !semantics.supportsRecovery();
        SocketPacket sent = withoutOffset ? SocketDialectV4.withoutOffset(packet.packet()) : packet.packet();
        if (!(packet instanceof EncodedBroadcast shared)) {
            return encode(sent);
        }
        int slot = withoutOffset ? V4 : V5;
        Frames frames = shared.encoding(slot);
        return frames != null ? frames : shared.cacheEncoding(slot, encodeShared(sent));
    }

    @Override
    public Decoder newDecoder() {
        boolean queryInConnect = semantics.id() == V4;
        return new Decoder() {
            @Override
            public SocketPacket text(String frame) throws SocketDecodeException {
                SocketPacket packet = codec.decodeJsonText(frame); // refused but from 2.x clients
                return queryInConnect ? SocketDialectV4.withQuery(packet) : packet;
            }

            @Override
            public SocketPacket binary(byte[] frame) throws SocketDecodeException {
                SocketPacket packet = codec.decode(frame);
                return queryInConnect ? SocketDialectV4.withQuery(packet) : packet;
            }

            @Override
            public void reset() {
            }
        };
    }

    @Override
    public boolean connectsMainImplicitly() {
        return semantics.connectsMainImplicitly();
    }

    @Override
    public Object connectReply(String sid, String pid) {
        return semantics.connectReply(sid, pid);
    }

    @Override
    public Object connectError(String message, Object data) {
        return semantics.connectError(message, data);
    }

    @Override
    public Map<String, Object> connectAuth(SocketPacket connect) {
        return semantics.connectAuth(connect);
    }

    @Override
    public String socketId(String connectionId, String namespace) {
        return semantics.socketId(connectionId, namespace);
    }

    @Override
    public boolean supportsRecovery() {
        return semantics.supportsRecovery();
    }
}
