package io.windsock.internal.carrier;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Socket.IO v4 over Engine.IO v3 (socket.io-client 2.x), as socket.io 4 serves it with
 * {@code allowEIO3}: see {@link SocketDialect} for the mapping. Its packets read and write as v5's
 * text (the Engine.IO v3 codec adds the binary frames' type byte), so a broadcast's frames are shared
 * with v5 recipients, except where connection state recovery stored the packet: 2.x clients cannot
 * recover, so they get it without the offset argument.
 */
public final class SocketDialectV4 implements SocketDialect {
    private final SocketDialectV5 v5;

    /** @param v5 the server's v5 dialect, whose encoder and decoder this one shares */
    public SocketDialectV4(SocketDialectV5 v5) {
        this.v5 = v5;
    }

    @Override
    public int id() {
        return V4;
    }

    @Override
    public EngineFrames encode(SocketPacket packet) {
        return v5.encode(packet);
    }

    @Override
    public EngineFrames encodeShared(SocketPacket packet) {
        return v5.encodeShared(packet);
    }

    @Override
    public Frames frames(EncodedPacket packet) {
        if (packet.offset() == null) {
            return v5.frames(packet); // the same frames as v5's: encoded once for both
        }
        if (!(packet instanceof EncodedBroadcast shared)) {
            return encode(withoutOffset(packet.packet()));
        }
        Frames frames = shared.encoding(id());
        return frames != null ? frames : shared.cacheEncoding(id(), v5.encodeShared(withoutOffset(packet.packet())));
    }

    /** The event without its last argument, the offset recovery appended. */
    static SocketPacket withoutOffset(SocketPacket packet) {
        if (!(packet.data() instanceof List<?> args) || args.isEmpty()) {
            return packet;
        }
        return new SocketPacket(packet.type(), packet.namespace(), packet.id(),
                new ArrayList<>(args.subList(0, args.size() - 1)));
    }

    @Override
    public Decoder newDecoder() {
        Decoder decoder = v5.newDecoder();
        return new Decoder() {
            @Override
            public SocketPacket text(String frame) throws SocketDecodeException {
                return withQuery(decoder.text(frame));
            }

            @Override
            public SocketPacket binary(byte[] frame) throws SocketDecodeException {
                return decoder.binary(frame);
            }

            @Override
            public void reset() {
                decoder.reset();
            }
        };
    }

    /**
     * A 2.x client sends its namespace query in the CONNECT's namespace ({@code 0/chat?token=1,}):
     * the packet goes on with the bare namespace and the query, as strings, as its data.
     */
    /** As QueryStringDecoder's default. */
    private static final int MAX_QUERY_PARAMS = 1024;

    static SocketPacket withQuery(SocketPacket packet) {
        if (packet == null || packet.type() != SocketPacketType.CONNECT) {
            return packet;
        }
        String namespace = packet.namespace();
        int question = namespace.indexOf('?');
        Map<String, Object> query = new LinkedHashMap<>();
        if (question >= 0) {
            LenientQuery.parameters(namespace.substring(question + 1), MAX_QUERY_PARAMS)
                    .forEach((name, values) -> query.put(name, values.get(values.size() - 1)));
            namespace = namespace.substring(0, question);
        }
        return new SocketPacket(SocketPacketType.CONNECT, namespace, packet.id(), query);
    }

    @Override
    public boolean connectsMainImplicitly() {
        return true;
    }

    @Override
    public Object connectReply(String sid, String pid) {
        return null;
    }

    /** socket.io 4 sends 2.x clients {@code err.data || err.message}: the client's "error" event gets it. */
    @Override
    public Object connectError(String message, Object data) {
        return data != null ? data : message;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> connectAuth(SocketPacket connect) {
        return connect.data() instanceof Map ? (Map<String, Object>) connect.data() : Map.of();
    }

    /** 2.x clients compute their socket's id themselves: the Engine.IO id, prefixed by the namespace but on "/". */
    @Override
    public String socketId(String connectionId, String namespace) {
        return "/".equals(namespace) ? connectionId : namespace + "#" + connectionId;
    }

    @Override
    public boolean supportsRecovery() {
        return false;
    }
}
