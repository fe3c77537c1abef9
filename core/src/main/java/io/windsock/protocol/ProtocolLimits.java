package io.windsock.protocol;

import io.windsock.internal.protocol.SocketDecodeException;

/**
 * Bounds the decoder enforces on every incoming packet; anything past them fails with a
 * {@link SocketDecodeException} naming the limit.
 *
 * @param maxAttachments  the most binary attachments in one packet (default 10)
 * @param maxAckIdDigits  the most digits in an ack id (default 15: ids stay exact in JavaScript, where
 *                        the Node server silently rounds a longer one)
 * @param maxPacketLength the most characters in one text packet (default 1,000,000, the default
 *                        {@code maxHttpBufferSize}); also the most characters of its JSON document
 * @param maxJsonDepth    the deepest nesting of arrays and objects in a packet's JSON, 1 to 10,000
 *                        (default 100; Node has no limit and its server dies on a few thousand levels)
 */
public record ProtocolLimits(int maxAttachments, int maxAckIdDigits, int maxPacketLength, int maxJsonDepth) {
    /** The default JSON nesting depth. */
    public static final int DEFAULT_MAX_JSON_DEPTH = 100;
    public static final ProtocolLimits DEFAULT = new ProtocolLimits(10, 15, 1_000_000, DEFAULT_MAX_JSON_DEPTH);

    public ProtocolLimits {
        if (maxAttachments < 0 || maxAckIdDigits < 1 || maxAckIdDigits > 18 || maxPacketLength < 1
                || maxJsonDepth < 1 || maxJsonDepth > 10_000) {
            throw new IllegalArgumentException("invalid protocol limits");
        }
    }

    /** Limits with the default JSON depth ({@value #DEFAULT_MAX_JSON_DEPTH}). */
    public ProtocolLimits(int maxAttachments, int maxAckIdDigits, int maxPacketLength) {
        this(maxAttachments, maxAckIdDigits, maxPacketLength, DEFAULT_MAX_JSON_DEPTH);
    }

    /** @return these limits with another packet length. */
    public ProtocolLimits withMaxPacketLength(int length) {
        return new ProtocolLimits(maxAttachments, maxAckIdDigits, length, maxJsonDepth);
    }
}
