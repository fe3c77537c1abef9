package io.windsock.internal.engine.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO protocol revision 3 (socket.io-client 1.x and 2.x), as engine.io-parser 2.x writes it:
 * <ul>
 * <li>a text packet is its type digit and its data, as in v4;</li>
 * <li>a binary WebSocket frame starts with the type byte ({@code 0x04} for a message);</li>
 * <li>a text polling payload is a series of {@code <length>:<packet>}, the length counted in UTF-16
 *     units (JavaScript's {@code String.length}); binary goes in it as {@code b4} and base64;</li>
 * <li>a binary polling payload (sent when a packet is binary and the client did not ask for
 *     {@code b64=1}) frames each packet as {@code <0|1><length digits as bytes 0-9><0xFF><packet>}: 0 for
 *     a text packet in UTF-8 (its length in bytes; invalid UTF-8 fails the payload, as in engine.io,
 *     see {@link GeneralizedUtf8}), 1 for a binary one (its type byte, then the data).</li>
 * </ul>
 * The OPEN packet carries {@code maxPayload} as engine.io 6 sends it to v3 clients too (they ignore it;
 * the v3 protocol suite expects it).
 */
public final class EngineCodecV3 implements EngineCodec {
    public static final EngineCodecV3 INSTANCE = new EngineCodecV3();

    /** Length prefixes longer than this are refused: no body we take is that large. */
    private static final int MAX_LENGTH_DIGITS = 10;
    private static final byte MESSAGE_TYPE = (byte) EnginePacketType.MESSAGE.ordinal();

    private EngineCodecV3() {
    }

    @Override
    public int protocol() {
        return 3;
    }

    @Override
    public String handshake(String sid, List<String> upgrades, long pingIntervalMillis, long pingTimeoutMillis,
                            long maxPayload) {
        return EngineCodecV4.INSTANCE.handshake(sid, upgrades, pingIntervalMillis, pingTimeoutMillis, maxPayload);
    }

    @Override
    public String encodeText(EnginePacket packet) {
        return EngineCodecV4.INSTANCE.encodeText(packet);
    }

    /** {@code b4} and base64: a binary message for a client that takes no binary ({@code b64=1}). */
    @Override
    public String encodeBinaryAsText(EnginePacket packet) {
        return "b4" + Base64.getEncoder().encodeToString(packet.binary());
    }

    @Override
    public byte[] encodeBinaryFrame(EnginePacket packet) {
        byte[] data = packet.binary();
        if (data == null || packet.type() != EnginePacketType.MESSAGE) {
            throw new IllegalArgumentException("not a binary message: " + packet);
        }
        byte[] frame = new byte[data.length + 1];
        frame[0] = MESSAGE_TYPE;
        System.arraycopy(data, 0, frame, 1, data.length);
        return frame;
    }

    @Override
    public EnginePacket decodeText(String frame) throws EngineDecodeException {
        if (frame.isEmpty()) {
            throw new EngineDecodeException(EngineDecodeException.Reason.EMPTY_PACKET, "empty packet");
        }
        if (frame.charAt(0) == 'b') {
            // b<type><base64>: binary from a client without binary support (polling, or WebSocket with forceBase64).
            if (frame.length() < 2 || frame.charAt(1) != EnginePacketType.MESSAGE.code()) {
                throw new EngineDecodeException(EngineDecodeException.Reason.UNKNOWN_TYPE, "binary packet not a message");
            }
            try {
                return EnginePacket.message(Base64.getDecoder().decode(frame.substring(2)));
            } catch (IllegalArgumentException e) {
                throw new EngineDecodeException(EngineDecodeException.Reason.BAD_BASE64, "invalid base64 in binary packet");
            }
        }
        return EngineCodecV4.INSTANCE.decodeText(frame);
    }

    @Override
    public EnginePacket decodeBinaryFrame(byte[] frame) throws EngineDecodeException {
        if (frame.length == 0) {
            throw new EngineDecodeException(EngineDecodeException.Reason.EMPTY_PACKET, "empty packet");
        }
        if (frame[0] != MESSAGE_TYPE) {
            throw new EngineDecodeException(EngineDecodeException.Reason.UNKNOWN_TYPE,
                    "binary packet of type " + (frame[0] & 0xff) + " is not a message");
        }
        return EnginePacket.message(Arrays.copyOfRange(frame, 1, frame.length));
    }

    @Override
    public Payload encodePayload(List<EnginePacket> packets, boolean binarySupported) {
        if (binarySupported && packets.stream().anyMatch(EnginePacket::isBinary)) {
            return Payload.binary(encodeBinaryPayload(packets));
        }
        StringBuilder out = new StringBuilder();
        for (EnginePacket packet : packets) {
            String text = packet.isBinary() ? encodeBinaryAsText(packet) : encodeText(packet);
            out.append(text.length()).append(':').append(text);
        }
        return Payload.text(out.toString());
    }

    private byte[] encodeBinaryPayload(List<EnginePacket> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (EnginePacket packet : packets) {
            byte[] bytes = packet.isBinary() ? encodeBinaryFrame(packet) : packet.utf8();
            out.write(packet.isBinary() ? 1 : 0);
            String length = Integer.toString(bytes.length);
            for (int i = 0; i < length.length(); i++) {
                out.write(length.charAt(i) - '0');
            }
            out.write(0xff);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    @Override
    public long payloadBytes(EnginePacket packet, boolean first) {
        // As in a text payload: "<length>:" and the packet; binary as "b4" and base64.
        byte[] binary = packet.binary();
        long units = binary != null ? 2 + 4L * ((binary.length + 2) / 3)
                : 1 + (packet.text() == null ? 0 : packet.text().length());
        long bytes = binary != null ? units : packet.byteSize();
        return Long.toString(units).length() + 1 + bytes;
    }

    @Override
    public PayloadReader payloadReader(byte[] body, boolean octetStream) throws EngineDecodeException {
        if (octetStream) {
            return new Reader(body.length) {
                @Override
                int decode(int from, int maxPackets, List<EnginePacket> out) throws EngineDecodeException {
                    return decodeBinaryPayload(body, from, maxPackets, out);
                }
            };
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            throw new EngineDecodeException(EngineDecodeException.Reason.EMPTY_PACKET, "empty payload");
        }
        return new Reader(text.length()) {
            @Override
            int decode(int from, int maxPackets, List<EnginePacket> out) throws EngineDecodeException {
                return decodeTextPayload(text, from, maxPackets, out);
            }
        };
    }

    /** A body and the offset of its next packet, in the body's units (UTF-16 for text, bytes for binary). */
    private abstract static class Reader implements PayloadReader {
        private final int length;
        private int offset;

        Reader(int length) {
            this.length = length;
        }

        abstract int decode(int from, int maxPackets, List<EnginePacket> out) throws EngineDecodeException;

        @Override
        public List<EnginePacket> next(int maxPackets) throws EngineDecodeException {
            List<EnginePacket> packets = new ArrayList<>(Math.min(maxPackets, 16));
            offset = decode(offset, maxPackets, packets);
            return packets;
        }

        @Override
        public boolean hasNext() {
            return offset < length;
        }
    }

    /**
     * Decodes packets of a text payload ({@code <length>:<packet>} repeated, lengths in UTF-16 units) from
     * {@code offset}, the start of a length, at most {@code maxPackets} of them, into {@code out}. Empty
     * packets are skipped, as engine.io-parser does, and do not count.
     *
     * @return the offset after the last packet read: {@code body.length()} when the body is done
     */
    public int decodeTextPayload(String body, int offset, int maxPackets, List<EnginePacket> out)
            throws EngineDecodeException {
        int i = offset;
        int decoded = 0;
        while (i < body.length() && decoded < maxPackets) {
            int colon = body.indexOf(':', i);
            if (colon <= i || colon - i > MAX_LENGTH_DIGITS || !allDigits(body, i, colon)) {
                throw badLength();
            }
            long length = Long.parseLong(body, i, colon, 10);
            int start = colon + 1;
            if (length > body.length() - start) {
                throw badLength();
            }
            int end = start + (int) length;
            if (end > start) { // an empty packet is skipped, as engine.io-parser does
                out.add(decodeText(body.substring(start, end)));
                decoded++;
            }
            i = end;
        }
        return i;
    }

    /**
     * Decodes packets of a binary payload ({@code <0|1><digits><0xFF><packet>} repeated) from
     * {@code offset}, the start of a packet's kind byte, at most {@code maxPackets} of them, into {@code out}.
     *
     * @return the offset after the last packet read: {@code body.length} when the body is done
     */
    public int decodeBinaryPayload(byte[] body, int offset, int maxPackets, List<EnginePacket> out)
            throws EngineDecodeException {
        int i = offset;
        int decoded = 0;
        while (i < body.length && decoded < maxPackets) {
            byte kind = body[i++];
            if (kind != 0 && kind != 1) {
                throw badLength();
            }
            long length = 0;
            int digits = 0;
            while (i < body.length && body[i] != (byte) 0xff) {
                byte digit = body[i++];
                if (digit < 0 || digit > 9 || ++digits > MAX_LENGTH_DIGITS) {
                    throw badLength();
                }
                length = length * 10 + digit;
            }
            if (digits == 0 || i == body.length || length > body.length - (i + 1)) {
                throw badLength();
            }
            int start = i + 1;
            int end = start + (int) length;
            out.add(kind == 0 ? decodeText(GeneralizedUtf8.decode(body, start, end))
                    : decodeBinaryFrame(Arrays.copyOfRange(body, start, end)));
            decoded++;
            i = end;
        }
        return i;
    }

    private static EngineDecodeException badLength() {
        return new EngineDecodeException(EngineDecodeException.Reason.BAD_LENGTH, "bad length in payload");
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
