package io.windsock.internal.protocol;

import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes Socket.IO v5 packets: {@code <type>[<attachments>-][<namespace>,][<id>][<json>]}.
 * Binary parts ({@code byte[]}, {@link ByteBuffer}) of events and acks are replaced by
 * {@code {"_placeholder":true,"num":n}} and returned as separate attachments, wherever they sit
 * (see {@link JsonCodec#write(Object, List)}). Thread-safe.
 */
public final class SocketPacketEncoder {
    private final JsonCodec json;

    public SocketPacketEncoder(JsonCodec json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The encoded form: the text packet, then its binary attachments in order. */
    public record Encoded(String text, List<byte[]> attachments) {
        public boolean isBinary() {
            return !attachments.isEmpty();
        }
    }

    public Encoded encode(SocketPacket packet) {
        Object data = packet.data();
        SocketPacketType type = packet.type();
        String body = null;
        List<byte[]> attachments = List.of();
        if (data != null && (type.isEvent() || type.isAck())) {
            // One walk whatever the values' types: the codec turns every binary part it writes
            // (in a map, a list, a record's field) into a placeholder and an attachment.
            attachments = new ArrayList<>(0);
            body = json.write(data, attachments);
            type = attachments.isEmpty()
                    // Nothing binary: "50-..." would leave socket.io-parser (4.2.x) waiting for attachments.
                    ? (type.isEvent() ? SocketPacketType.EVENT : SocketPacketType.ACK)
                    : (type.isEvent() ? SocketPacketType.BINARY_EVENT : SocketPacketType.BINARY_ACK);
        } else if (data instanceof JsonText text) {
            body = text.json();
        } else if (data != null) {
            body = json.write(data);
        } else if (type.isBinary()) {
            type = type.isEvent() ? SocketPacketType.EVENT : SocketPacketType.ACK;
        }
        StringBuilder out = new StringBuilder(16 + (body == null ? 0 : body.length()));
        out.append(type.code());
        if (type.isBinary()) {
            out.append(attachments.size()).append('-');
        }
        if (!"/".equals(packet.namespace())) {
            out.append(packet.namespace()).append(',');
        }
        if (packet.hasId()) {
            out.append(packet.id());
        }
        if (body != null) {
            out.append(body);
        }
        return new Encoded(out.toString(), attachments);
    }

    /** Encodes a packet that must not carry binary parts (CONNECT, DISCONNECT, CONNECT_ERROR, text events). */
    public String encodeText(SocketPacket packet) {
        Encoded encoded = encode(packet);
        if (encoded.isBinary()) {
            throw new IllegalArgumentException("packet has binary parts");
        }
        return encoded.text();
    }

    /** @return whether a value holds a binary part anywhere in its lists, maps and arrays. */
    public static boolean hasBinary(Object value) {
        return hasBinary(value, 0);
    }

    private static boolean hasBinary(Object value, int depth) {
        if (value == null || depth > 64) {
            return false;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return true;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (hasBinary(item, depth + 1)) {
                    return true;
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object item : map.values()) {
                if (hasBinary(item, depth + 1)) {
                    return true;
                }
            }
        } else if (value instanceof Object[] array) {
            for (Object item : array) {
                if (hasBinary(item, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Replaces the binary parts in lists, maps and arrays by placeholders, collecting them in order. */
    static Object deconstruct(Object value, List<byte[]> attachments) {
        if (value instanceof byte[] bytes) {
            return placeholder(bytes, attachments);
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return placeholder(bytes, attachments);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(deconstruct(item, attachments));
            }
            return out;
        }
        if (value instanceof Object[] array) {
            List<Object> out = new ArrayList<>(array.length);
            for (Object item : array) {
                out.add(deconstruct(item, attachments));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), deconstruct(e.getValue(), attachments));
            }
            return out;
        }
        return value;
    }

    private static Map<String, Object> placeholder(byte[] bytes, List<byte[]> attachments) {
        Map<String, Object> placeholder = new LinkedHashMap<>(4);
        placeholder.put("_placeholder", Boolean.TRUE);
        placeholder.put("num", attachments.size());
        attachments.add(bytes);
        return placeholder;
    }
}
