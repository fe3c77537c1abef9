package io.windsock.protocol;

/**
 * Bounds the decoder enforces on every incoming packet; anything past them fails with a
 * {@link SocketDecodeException} naming the limit.
 *
 * @param maxAttachments  the most binary attachments in one packet (default 10)
 * @param maxAckIdDigits  the most digits in an ack id (default 15: ids stay exact in JavaScript)
 * @param maxPacketLength the most characters in one text packet (default 1,000,000, the default
 *                        {@code maxHttpBufferSize})
 */
public record ProtocolLimits(int maxAttachments, int maxAckIdDigits, int maxPacketLength) {
    public static final ProtocolLimits DEFAULT = new ProtocolLimits(10, 15, 1_000_000);

    public ProtocolLimits {
        if (maxAttachments < 0 || maxAckIdDigits < 1 || maxAckIdDigits > 18 || maxPacketLength < 1) {
            throw new IllegalArgumentException("invalid protocol limits");
        }
    }
}
