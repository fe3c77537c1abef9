package io.windsock.engine.protocol;

import java.util.List;

/**
 * Encodes and decodes Engine.IO packets for one protocol revision. Pure and thread-safe: it holds
 * no state, so one instance serves every session of its revision.
 */
public interface EngineCodec {
    /** @return the Engine.IO protocol revision (3 or 4). */
    int protocol();

    /** Encodes a text packet for a WebSocket text frame. The packet must not be binary. */
    String encodeText(EnginePacket packet);

    /** Encodes a binary packet for a WebSocket binary frame. */
    byte[] encodeBinaryFrame(EnginePacket packet);

    /** Decodes a WebSocket text frame. */
    EnginePacket decodeText(String frame) throws EngineDecodeException;

    /** Decodes a WebSocket binary frame. */
    EnginePacket decodeBinaryFrame(byte[] frame) throws EngineDecodeException;

    /** Encodes packets as one HTTP long-polling response body (text, UTF-8). */
    String encodePayload(List<EnginePacket> packets);

    /**
     * The UTF-8 bytes {@code packet} adds to a long-polling response body, with the separator before it
     * unless it comes first, so that the sum over a list is the length of {@link #encodePayload}'s body.
     */
    long payloadBytes(EnginePacket packet, boolean first);

    /**
     * Decodes a long-polling request body.
     *
     * @param maxPackets the most packets one body may hold, a guard against tiny-packet floods
     */
    List<EnginePacket> decodePayload(String body, int maxPackets) throws EngineDecodeException;

    /**
     * The data of the OPEN packet that answers a handshake (v4: {@code sid, upgrades, pingInterval,
     * pingTimeout, maxPayload}; v3 has no {@code maxPayload}).
     *
     * @param upgrades the transports the client may upgrade to, e.g. {@code ["websocket"]} or none
     */
    String handshake(String sid, List<String> upgrades, long pingIntervalMillis, long pingTimeoutMillis,
                     long maxPayload);

    /** @return the codec for a protocol revision, or {@code null} when it is not supported. */
    static EngineCodec forProtocol(int protocol) {
        return protocol == 4 ? EngineCodecV4.INSTANCE : null;
    }
}
