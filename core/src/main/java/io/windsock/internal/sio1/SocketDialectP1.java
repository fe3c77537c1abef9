package io.windsock.internal.sio1;

import io.windsock.internal.carrier.LenientQuery;
import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.protocol.JsonCodec;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Socket.IO 0.9's protocol 1 as a {@link SocketDialect}: packets as {@link Sio1Dialect} maps them,
 * "/" connected by the server at the handshake, no CONNECT reply data, a refusal as the
 * "unauthorized" error packet. Heartbeats, noops and error packets from the client never reach the
 * socket layer. Thread-safe.
 */
public final class SocketDialectP1 implements SocketDialect {
    private final Sio1Dialect packets;

    public SocketDialectP1(JsonCodec json) {
        this.packets = new Sio1Dialect(json);
    }

    @Override
    public int id() {
        return PROTOCOL_1;
    }

    @Override
    public Sio1Frame encode(SocketPacket packet) {
        Sio1Packet encoded = packets.encode(packet);
        return new Sio1Frame(encoded, encoded.encode());
    }

    /**
     * @return the Socket.IO packet for a client packet, or null for one the socket layer does not
     *         see (heartbeat, noop, error, and a connect of the main endpoint, which is connected already)
     */
    SocketPacket decode(Sio1Packet packet) throws SocketDecodeException {
        switch (packet.type()) {
            case Sio1Packet.CONNECT: {
                String endpoint = packet.endpoint();
                int query = endpoint.indexOf('?');
                String name = query < 0 ? endpoint : endpoint.substring(0, query);
                if (name.isEmpty()) {
                    return null;
                }
                return new SocketPacket(SocketPacketType.CONNECT, name, SocketPacket.NO_ID,
                        query < 0 ? null : endpoint.substring(query + 1));
            }
            case Sio1Packet.DISCONNECT:
                return new SocketPacket(SocketPacketType.DISCONNECT, Sio1Dialect.namespaceOf(packet.endpoint()),
                        SocketPacket.NO_ID, null);
            case Sio1Packet.MESSAGE, Sio1Packet.JSON, Sio1Packet.EVENT, Sio1Packet.ACK:
                try {
                    return packets.decode(packet);
                } catch (Sio1DecodeException e) {
                    throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, e.getMessage());
                }
            default:
                return null;
        }
    }

    @Override
    public Decoder newDecoder() {
        return new Decoder() {
            @Override
            public SocketPacket text(String frame) throws SocketDecodeException {
                try {
                    return decode(Sio1Packet.decode(frame));
                } catch (Sio1DecodeException e) {
                    throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, e.getMessage());
                }
            }

            @Override
            public SocketPacket binary(byte[] frame) throws SocketDecodeException {
                throw new SocketDecodeException(SocketDecodeException.Reason.UNEXPECTED_BINARY, "protocol 1 has no binary");
            }

            @Override
            public void reset() {
            }
        };
    }

    @Override
    public boolean connectsMainImplicitly() {
        return true;
    }

    @Override
    public Object connectReply(String sid, String pid) {
        return null;
    }

    @Override
    public Object connectError(String message, Object data) {
        return message;
    }

    /** The query of {@code 1::/nsp?x=1} as a map of strings (the stock client sends none). */
    @Override
    public Map<String, Object> connectAuth(SocketPacket connect) {
        if (!(connect.data() instanceof String query)) {
            return Map.of();
        }
        Map<String, Object> auth = new LinkedHashMap<>();
        LenientQuery.parameters(query, 32)
                .forEach((k, v) -> auth.put(k, v.isEmpty() ? "" : v.get(0)));
        return auth;
    }
}
