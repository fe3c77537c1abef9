package io.windsock.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * Encodes and decodes {@link ClusterMessage}s. The message shape is the cluster adapter's
 * ({@code {type, data, uid, nsp}}, in that order, as socket.io-adapter 2.5 assembles it); how it is
 * framed is the transport's. {@link #encodePubSub} and {@link #decodePubSub} are the sharded Redis
 * adapter's framing: JSON text, or msgpack (notepack.io) when a type that may carry binary does.
 * A Redis Streams adapter would reuse {@link #tree} and {@link #hasBinary} for its own fields.
 * Thread-safe.
 */
public final class ClusterCodec {
    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectMapper application;

    /** @param application the mapper that turns event arguments and socket data into values */
    public ClusterCodec(ObjectMapper application) {
        this.application = Objects.requireNonNull(application, "application");
    }

    /**
     * @return the message as a tree in Node's field order; {@code byte[]} and {@code ByteBuffer} become
     *         binary nodes
     * @throws IllegalArgumentException when the application mapper cannot convert the data
     */
    public ObjectNode tree(ClusterMessage message) {
        ObjectNode tree = JSON.createObjectNode();
        tree.put("type", message.type().code());
        if (message.data() != null) {
            tree.set("data", application.valueToTree(message.data()));
        }
        if (message.uid() != null) {
            tree.put("uid", message.uid());
        }
        if (message.nsp() != null) {
            tree.put("nsp", message.nsp());
        }
        return tree;
    }

    /**
     * @return the bytes the sharded adapter publishes: msgpack when the type may carry binary and its
     *         data does, else JSON (Node's {@code JSON.stringify})
     * @throws IllegalArgumentException when the data cannot be encoded
     */
    public byte[] encodePubSub(ClusterMessage message) {
        ObjectNode tree = tree(message);
        try {
            if (message.type().mayContainBinary() && hasBinary(tree.get("data"))) {
                return MSGPACK.writeValueAsBytes(tree);
            }
            return NodeJsonText.write(JSON, tree);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode a " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    /** @return whether a tree holds binary anywhere (Node's {@code hasBinary}) */
    /** @return the message as msgpack, whatever it carries (as Node's streams adapter sends on pub/sub) */
    public byte[] encodeMsgpack(ClusterMessage message) {
        try {
            return MSGPACK.writeValueAsBytes(tree(message));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode a " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    /**
     * @return the data of a message as a stream entry's field, as Node's streams adapter writes it: JSON text,
     *     or the base64 of its msgpack when its type may carry binary and it does; null without data
     */
    public String streamData(ClusterMessage message) {
        JsonNode data = tree(message).get("data");
        if (data == null) {
            return null;
        }
        try {
            if (message.type().mayContainBinary() && hasBinary(data)) {
                return Base64.getEncoder().encodeToString(MSGPACK.writeValueAsBytes(data));
            }
            return new String(NodeJsonText.write(JSON, data), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode a " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    /**
     * @return a stream entry's data field as plain values: JSON when it starts with <code>{</code>, else base64
     *     of msgpack (Node's rule)
     * @throws IllegalArgumentException when it is neither
     */
    public static Object decodeStreamData(String text) {
        try {
            if (text.startsWith("{")) {
                return WireCodec.decodeJson(text.getBytes(StandardCharsets.UTF_8));
            }
            return WireCodec.decodeMsgpack(Base64.getDecoder().decode(text));
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** @return a value of the application's (socket data, say) as msgpack, through the application's mapper */
    public byte[] msgpackOf(Object value) {
        try {
            return MSGPACK.writeValueAsBytes(application.valueToTree(value));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode as msgpack: " + e.getMessage(), e);
        }
    }

    public static boolean hasBinary(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasBinary(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Decodes what the sharded adapter published: JSON when the first byte is <code>{</code>, else msgpack.
     *
     * @return the message, or null when it is not one of a known type (Node ignores those as well)
     * @throws java.io.UncheckedIOException when the bytes are malformed
     */
    public static ClusterMessage decodePubSub(byte[] bytes) {
        return fromValue(WireCodec.decode(bytes));
    }

    /** @return a message from its decoded plain value, or null when it is not a known message */
    public static ClusterMessage fromValue(Object value) {
        Map<String, Object> map = Messages.map(value);
        ClusterMessageType type = ClusterMessageType.of(map.get("type"));
        if (type == null) {
            return null;
        }
        Object data = map.get("data");
        return new ClusterMessage(type, map.get("uid") instanceof String u ? u : null,
                map.get("nsp") instanceof String n ? n : null, data instanceof Map<?, ?> ? Messages.map(data) : null);
    }
}
