package io.windsock.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cluster message as an entry of a Redis stream, as {@code @socket.io/redis-streams-adapter} 0.3 writes
 * it: the fields {@code uid}, {@code nsp}, {@code type} (the message type's code in decimal) and, when it
 * has data, {@code data} (see {@link ClusterCodec#streamData}).
 */
final class StreamEntries {
    private StreamEntries() {
    }

    /** @throws IllegalArgumentException when the message's data cannot be encoded */
    static Map<byte[], byte[]> encode(ClusterCodec codec, ClusterMessage message) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        fields.put(bytes("uid"), bytes(message.uid()));
        fields.put(bytes("nsp"), bytes(message.nsp()));
        fields.put(bytes("type"), bytes(Integer.toString(message.type().code())));
        String data = codec.streamData(message);
        if (data != null) {
            fields.put(bytes("data"), bytes(data));
        }
        return fields;
    }

    /**
     * @return the message of an entry, or null when it is none (no namespace, an unknown type: Node's reader
     *     skips entries without a namespace, and its adapter ignores unknown types)
     * @throws IllegalArgumentException when its data is neither JSON nor base64 msgpack
     */
    static ClusterMessage decode(Map<byte[], byte[]> fields) {
        String uid = null;
        String nsp = null;
        String type = null;
        String data = null;
        for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
            switch (text(field.getKey())) {
                case "uid" -> uid = text(field.getValue());
                case "nsp" -> nsp = text(field.getValue());
                case "type" -> type = text(field.getValue());
                case "data" -> data = text(field.getValue());
                default -> {
                    // not a field of the adapter's
                }
            }
        }
        ClusterMessageType messageType = type == null ? null : ClusterMessageType.of(parseCode(type));
        if (nsp == null || nsp.isEmpty() || messageType == null) {
            return null;
        }
        Object decoded = data == null || data.isEmpty() ? null : ClusterCodec.decodeStreamData(data);
        return new ClusterMessage(messageType, uid, nsp, decoded instanceof Map<?, ?> ? Messages.map(decoded) : null);
    }

    private static Integer parseCode(String type) {
        try {
            return Integer.valueOf(type.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] bytes(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
