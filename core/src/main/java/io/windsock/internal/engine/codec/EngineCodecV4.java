package io.windsock.internal.engine.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO protocol revision 4: a text packet is its type digit followed by its data; a binary
 * WebSocket frame is a raw message with no type byte; a polling payload joins packets with the
 * record separator {@code 0x1e} and carries binary as {@code b} followed by base64.
 */
public final class EngineCodecV4 implements EngineCodec {
    public static final EngineCodecV4 INSTANCE = new EngineCodecV4();

    /** Separates packets in a long-polling payload. */
    public static final char SEPARATOR = '\u001e';

    private EngineCodecV4() {
    }

    @Override
    public int protocol() {
        return 4;
    }

    @Override
    public String handshake(String sid, List<String> upgrades, long pingIntervalMillis, long pingTimeoutMillis,
                            long maxPayload) {
        // Ids and transport names are [A-Za-z0-9_-]: nothing to escape.
        StringBuilder upgradeList = new StringBuilder("[");
        for (String upgrade : upgrades) {
            upgradeList.append(upgradeList.length() > 1 ? ",\"" : "\"").append(upgrade).append('"');
        }
        return "{\"sid\":\"" + sid + "\",\"upgrades\":" + upgradeList.append(']')
                + ",\"pingInterval\":" + pingIntervalMillis + ",\"pingTimeout\":" + pingTimeoutMillis
                + ",\"maxPayload\":" + maxPayload + "}";
    }

    @Override
    public String encodeText(EnginePacket packet) {
        if (packet.isBinary()) {
            throw new IllegalArgumentException("binary packet in a text frame: " + packet);
        }
        String text = packet.text();
        if (text == null) {
            return String.valueOf(packet.type().code());
        }
        return new StringBuilder(text.length() + 1).append(packet.type().code()).append(text).toString();
    }

    @Override
    public String encodeBinaryAsText(EnginePacket packet) {
        return "b" + Base64.getEncoder().encodeToString(packet.binary());
    }

    @Override
    public byte[] encodeBinaryFrame(EnginePacket packet) {
        byte[] data = packet.binary();
        if (data == null || packet.type() != EnginePacketType.MESSAGE) {
            throw new IllegalArgumentException("not a binary message: " + packet);
        }
        return data;
    }

    @Override
    public EnginePacket decodeText(String frame) throws EngineDecodeException {
        if (frame.isEmpty()) {
            throw new EngineDecodeException(EngineDecodeException.Reason.EMPTY_PACKET, "empty packet");
        }
        if (frame.charAt(0) == 'b') {
            // Base64 binary: in polling payloads, and in WebSocket text frames of clients with forceBase64.
            try {
                return EnginePacket.message(Base64.getDecoder().decode(frame.substring(1)));
            } catch (IllegalArgumentException e) {
                throw new EngineDecodeException(EngineDecodeException.Reason.BAD_BASE64, "invalid base64 in binary packet");
            }
        }
        EnginePacketType type = EnginePacketType.fromCode(frame.charAt(0));
        if (type == null) {
            throw new EngineDecodeException(EngineDecodeException.Reason.UNKNOWN_TYPE,
                    "unknown packet type '" + printable(frame.charAt(0)) + "'");
        }
        if (frame.length() == 1) {
            return type == EnginePacketType.MESSAGE ? EnginePacket.message("") : EnginePacket.of(type);
        }
        return EnginePacket.text(type, frame.substring(1));
    }

    @Override
    public EnginePacket decodeBinaryFrame(byte[] frame) {
        return EnginePacket.message(frame);
    }

    @Override
    public Payload encodePayload(List<EnginePacket> packets, boolean binarySupported) {
        return Payload.text(encodePayload(packets));
    }

    /** The text body of a long-polling response (v4 never sends a binary one). */
    public String encodePayload(List<EnginePacket> packets) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                out.append(SEPARATOR);
            }
            EnginePacket packet = packets.get(i);
            byte[] binary = packet.binary();
            if (binary != null) {
                out.append('b').append(Base64.getEncoder().encodeToString(binary));
            } else {
                out.append(packet.type().code());
                if (packet.text() != null) {
                    out.append(packet.text());
                }
            }
        }
        return out.toString();
    }

    @Override
    public long payloadBytes(EnginePacket packet, boolean first) {
        byte[] binary = packet.binary();
        // Binary goes as 'b' and base64 (4 characters per 3 bytes, padded); text as its WebSocket frame.
        long bytes = binary != null ? 1 + 4L * ((binary.length + 2) / 3) : packet.byteSize();
        return first ? bytes : bytes + 1;
    }

    @Override
    public PayloadReader payloadReader(byte[] body, boolean octetStream) throws EngineDecodeException {
        if (octetStream) {
            // v4 carries binary as base64 text; an octet-stream body is not ours.
            throw new EngineDecodeException(EngineDecodeException.Reason.INVALID_CONTENT, "invalid content");
        }
        return new PayloadReader() {
            private int offset;

            @Override
            public List<EnginePacket> next(int maxPackets) throws EngineDecodeException {
                List<EnginePacket> packets = new ArrayList<>(Math.min(maxPackets, 16));
                offset = decodePayload(body, offset, maxPackets, packets);
                return packets;
            }

            @Override
            public boolean hasNext() {
                return offset >= 0;
            }
        };
    }

    /**
     * Decodes packets of a text long-polling request body, from {@code offset} (the start of a packet),
     * at most {@code maxPackets} of them, into {@code out}.
     *
     * @return the offset of the next packet, or -1 when the body is done (a body ending in a separator
     *         is not done: an empty packet follows, which is refused)
     */
    public int decodePayload(byte[] body, int offset, int maxPackets, List<EnginePacket> out)
            throws EngineDecodeException {
        // Split on the separator's byte (0x1E is never part of a multi-byte UTF-8 sequence) and decode
        // each packet's text straight from the body: no string of the whole body, no substrings of it.
        int start = offset;
        int length = body.length;
        for (int decoded = 0; decoded < maxPackets; decoded++) {
            int end = start;
            while (end < length && body[end] != SEPARATOR) {
                end++;
            }
            out.add(decodePacket(body, start, end));
            if (end == length) {
                return -1;
            }
            start = end + 1;
        }
        return start;
    }

    /** One packet of a payload body, as {@link #decodeText} decodes its text. */
    private EnginePacket decodePacket(byte[] body, int start, int end) throws EngineDecodeException {
        if (end > start && body[start] != 'b') {
            EnginePacketType type = body[start] >= 0 ? EnginePacketType.fromCode((char) body[start]) : null;
            if (type != null && end - start > 1) {
                return EnginePacket.text(type, new String(body, start + 1, end - start - 1, StandardCharsets.UTF_8));
            }
        }
        return decodeText(new String(body, start, end - start, StandardCharsets.UTF_8));
    }

    /** Decodes a text long-polling request body. */
    public List<EnginePacket> decodePayload(String body, int maxPackets) throws EngineDecodeException {
        List<EnginePacket> packets = new ArrayList<>();
        int start = 0;
        int length = body.length();
        while (true) {
            int end = body.indexOf(SEPARATOR, start);
            if (end < 0) {
                end = length;
            }
            if (packets.size() == maxPackets) {
                throw new EngineDecodeException(EngineDecodeException.Reason.TOO_MANY_PACKETS,
                        "more than " + maxPackets + " packets in one payload");
            }
            packets.add(decodeText(body.substring(start, end)));
            if (end == length) {
                return packets;
            }
            start = end + 1;
        }
    }

    static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
