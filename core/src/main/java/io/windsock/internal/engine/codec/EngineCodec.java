package io.windsock.internal.engine.codec;

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

    /**
     * Encodes a binary packet as text, for a client that takes no binary frames (v3's {@code b64=1}):
     * {@code b4<base64>} in v3, {@code b<base64>} in v4.
     */
    String encodeBinaryAsText(EnginePacket packet);

    /** Encodes a binary packet for a WebSocket binary frame. */
    byte[] encodeBinaryFrame(EnginePacket packet);

    /** Decodes a WebSocket text frame. */
    EnginePacket decodeText(String frame) throws EngineDecodeException;

    /** Decodes a WebSocket binary frame. */
    EnginePacket decodeBinaryFrame(byte[] frame) throws EngineDecodeException;

    /** A long-polling response body: text (sent as UTF-8 {@code text/plain}) or binary ({@code application/octet-stream}). */
    record Payload(String text, byte[] binary) {
        public static Payload text(String text) {
            return new Payload(text, null);
        }

        public static Payload binary(byte[] binary) {
            return new Payload(null, binary);
        }

        public boolean isBinary() {
            return binary != null;
        }
    }

    /**
     * Encodes packets as one HTTP long-polling response body.
     *
     * @param binarySupported whether the client takes a binary body (v3: unless it asked for {@code b64=1}
     *                        or polls with JSONP); v4 always answers with text
     */
    Payload encodePayload(List<EnginePacket> packets, boolean binarySupported);

    /**
     * The UTF-8 bytes {@code packet} adds to a long-polling response body, with the separator or length
     * prefix that goes with it, so that the sum over a list is the length of {@link #encodePayload}'s text body
     * (a binary v3 body is about as long).
     */
    long payloadBytes(EnginePacket packet, boolean first);

    /**
     * A long-polling request body decoded a slice at a time, so that a body of many small packets never
     * turns into more than one slice of packet objects at once and its reader can stop between slices.
     * Not thread-safe: one reader per body.
     */
    interface PayloadReader {
        /**
         * Decodes the next packets of the body, in order, at most {@code maxPackets} of them (fewer, even
         * none, at its end: v3 skips empty packets).
         *
         * @throws EngineDecodeException on a malformed packet; the packets of earlier slices stand
         */
        List<EnginePacket> next(int maxPackets) throws EngineDecodeException;

        /** @return whether {@link #next} has more of the body to decode. */
        boolean hasNext();
    }

    /**
     * Starts decoding a long-polling request body: its packets come from the reader's {@link PayloadReader#next}.
     *
     * @param octetStream whether the body came as {@code application/octet-stream} (v3's binary payload;
     *                    v4 refuses it with {@link EngineDecodeException.Reason#INVALID_CONTENT})
     */
    PayloadReader payloadReader(byte[] body, boolean octetStream) throws EngineDecodeException;

    /**
     * Decodes a whole long-polling request body at once, refused with
     * {@link EngineDecodeException.Reason#TOO_MANY_PACKETS} when it holds more than {@code maxPackets}.
     * The server reads bodies with {@link #payloadReader} instead, a slice at a time, and refuses none
     * for its count.
     */
    default List<EnginePacket> decodePayload(byte[] body, boolean octetStream, int maxPackets)
            throws EngineDecodeException {
        PayloadReader reader = payloadReader(body, octetStream);
        List<EnginePacket> packets = reader.next(maxPackets);
        if (reader.hasNext() && !reader.next(1).isEmpty()) {
            throw new EngineDecodeException(EngineDecodeException.Reason.TOO_MANY_PACKETS,
                    "more than " + maxPackets + " packets in one payload");
        }
        return packets;
    }

    /**
     * The data of the OPEN packet that answers a handshake: {@code sid, upgrades, pingInterval,
     * pingTimeout, maxPayload} (v3 too, as engine.io 6 sends it).
     *
     * @param upgrades the transports the client may upgrade to, e.g. {@code ["websocket"]} or none
     */
    String handshake(String sid, List<String> upgrades, long pingIntervalMillis, long pingTimeoutMillis,
                     long maxPayload);

    /** @return the codec for a protocol revision, or {@code null} when it is not supported. */
    static EngineCodec forProtocol(int protocol) {
        return protocol == 4 ? EngineCodecV4.INSTANCE : protocol == 3 ? EngineCodecV3.INSTANCE : null;
    }
}
