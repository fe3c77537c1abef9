package io.windsock.internal.protocol;

import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes Socket.IO v5 packets for one client. Stateful: a binary packet is followed by its
 * attachments, which {@link #addBinary} collects before the packet is complete. Not thread-safe;
 * one instance per client, used from one thread at a time. Not final: a dialect's per-client decoder
 * extends it rather than wrapping it (one object fewer per connection).
 */
public class SocketPacketDecoder {
    /** Event names a client may not emit: they are the sockets' own lifecycle events. */
    public static final Set<String> RESERVED_EVENTS = SocketPacket.RESERVED_EVENTS;

    private final JsonCodec json;
    private final ProtocolLimits limits;

    /** The binary packet being reassembled, its data left out, or null. */
    private SocketPacket pending;
    /**
     * Its data as the JSON text it came in, read again once the attachments are in: decoded, a megabyte
     * of small objects holds some 20 MB, which nothing counts while the attachments are awaited.
     */
    private String pendingJson;
    private List<byte[]> pendingAttachments;
    private int expectedAttachments;

    public SocketPacketDecoder(JsonCodec json, ProtocolLimits limits) {
        this.json = Objects.requireNonNull(json, "json");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Decodes a text packet.
     *
     * @return the packet, or {@code null} when it is a binary packet that awaits attachments
     */
    public SocketPacket decode(String text) throws SocketDecodeException {
        if (pending != null) {
            throw new SocketDecodeException(SocketDecodeException.Reason.UNEXPECTED_TEXT,
                    "got a text packet while reconstructing a binary packet");
        }
        int length = text.length();
        if (length == 0) {
            throw new SocketDecodeException(SocketDecodeException.Reason.EMPTY_PACKET, "empty packet");
        }
        if (length > limits.maxPacketLength()) {
            throw new SocketDecodeException(SocketDecodeException.Reason.PACKET_TOO_LARGE,
                    "packet of " + length + " characters exceeds " + limits.maxPacketLength());
        }
        SocketPacketType type = SocketPacketType.fromCode(text.charAt(0));
        if (type == null) {
            throw new SocketDecodeException(SocketDecodeException.Reason.UNKNOWN_TYPE, "unknown packet type");
        }
        int i = 1;
        int attachments = 0;
        if (type.isBinary()) {
            int dash = text.indexOf('-', i);
            if (dash <= i || !allDigits(text, i, dash) || dash - i > 9) {
                throw new SocketDecodeException(SocketDecodeException.Reason.ILLEGAL_ATTACHMENTS, "illegal attachments");
            }
            attachments = Integer.parseInt(text, i, dash, 10);
            if (attachments > limits.maxAttachments()) {
                throw new SocketDecodeException(SocketDecodeException.Reason.TOO_MANY_ATTACHMENTS,
                        attachments + " attachments exceed the limit of " + limits.maxAttachments());
            }
            i = dash + 1;
        }
        String namespace = "/";
        if (i < length && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? length : comma;
            namespace = text.substring(i, end);
            i = comma < 0 ? length : comma + 1;
        }
        long id = SocketPacket.NO_ID;
        if (i < length && isDigit(text.charAt(i))) {
            int start = i;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
            }
            if (i - start > limits.maxAckIdDigits()) {
                throw new SocketDecodeException(SocketDecodeException.Reason.ACK_ID_TOO_LONG,
                        "ack id of " + (i - start) + " digits exceeds " + limits.maxAckIdDigits());
            }
            id = Long.parseLong(text, start, i, 10);
        }
        Object data = null;
        String jsonText = null;
        if (i < length) {
            jsonText = text.substring(i);
            data = readJson(jsonText);
            if (!isPayloadValid(type, data)) {
                throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD,
                        "invalid payload for " + type);
            }
        } else if (type.isEvent() || type.isAck()) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "missing payload for " + type);
        }
        if (type.isBinary() && attachments > 0) {
            // Read now all the same, so that a malformed packet is refused when it arrives, as Node's parser does.
            pending = new SocketPacket(type, namespace, id, null);
            pendingJson = jsonText;
            expectedAttachments = attachments;
            // Sized for what arrives, not for what is announced: a raised limit lets a client announce a
            // billion attachments in a ten-character packet, and send none.
            pendingAttachments = new ArrayList<>(Math.min(attachments, 16));
            return null;
        }
        SocketPacket packet = new SocketPacket(type, namespace, id, data);
        return type.isBinary() ? reconstruct(packet, List.of()) : packet;
    }

    private Object readJson(String text) throws SocketDecodeException {
        try {
            return json.read(text);
        } catch (JsonCodec.LimitExceeded e) {
            throw new SocketDecodeException(SocketDecodeException.Reason.JSON_LIMIT, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_JSON, "invalid JSON payload");
        }
    }

    /**
     * Adds one binary attachment to the packet being reassembled.
     *
     * @return the complete packet once its last attachment arrived, else {@code null}
     */
    public SocketPacket addBinary(byte[] attachment) throws SocketDecodeException {
        if (pending == null) {
            throw new SocketDecodeException(SocketDecodeException.Reason.UNEXPECTED_BINARY,
                    "got binary data when not reconstructing a packet");
        }
        pendingAttachments.add(attachment);
        if (pendingAttachments.size() < expectedAttachments) {
            return null;
        }
        SocketPacket header = pending;
        String jsonText = pendingJson;
        List<byte[]> parts = pendingAttachments;
        reset();
        return reconstruct(new SocketPacket(header.type(), header.namespace(), header.id(), readJson(jsonText)), parts);
    }

    /** @return whether a binary packet is waiting for attachments. */
    public boolean isReconstructing() {
        return pending != null;
    }

    /** Drops a partly reassembled packet, e.g. when the client disconnects. */
    public void reset() {
        pending = null;
        pendingJson = null;
        pendingAttachments = null;
        expectedAttachments = 0;
    }

    private static SocketPacket reconstruct(SocketPacket packet, List<byte[]> parts) throws SocketDecodeException {
        Object data = fill(packet.data(), parts);
        if (packet.data() instanceof NonFiniteList) {
            data = new NonFiniteList((List<?>) data);
        }
        return new SocketPacket(packet.type(), packet.namespace(), packet.id(), data);
    }

    /** A container being copied: the rest of its source's items, and the copy they go into. */
    private record Copying(Iterator<?> items, Object target) {
    }

    /**
     * Copies a payload with its placeholders replaced by their attachments, at any depth the JSON reader
     * accepted (up to {@link ProtocolLimits#maxJsonDepth}, 10,000 at most): iteratively, with a stack of
     * the containers being copied, so no depth overflows the thread's stack.
     */
    private static Object fill(Object root, List<byte[]> parts) throws SocketDecodeException {
        boolean[] named = new boolean[parts.size()];
        Object copy = shell(root, parts, named);
        ArrayDeque<Copying> stack = new ArrayDeque<>();
        push(stack, root, copy);
        while (!stack.isEmpty()) {
            Copying top = stack.peek();
            if (!top.items().hasNext()) {
                stack.pop();
                continue;
            }
            Object item = top.items().next();
            if (top.target() instanceof List<?>) {
                Object child = shell(item, parts, named);
                @SuppressWarnings("unchecked")
                List<Object> target = (List<Object>) top.target();
                target.add(child);
                push(stack, item, child);
            } else {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) item;
                Object child = shell(e.getValue(), parts, named);
                @SuppressWarnings("unchecked")
                Map<String, Object> target = (Map<String, Object>) top.target();
                target.put((String) e.getKey(), child);
                push(stack, e.getValue(), child);
            }
        }
        return copy;
    }

    /** Copies a container's items next, when {@code copy} is a new, empty container for them. */
    private static void push(ArrayDeque<Copying> stack, Object source, Object copy) {
        if (copy instanceof List<?>) {
            stack.push(new Copying(((List<?>) source).iterator(), copy));
        } else if (copy instanceof Map<?, ?>) {
            stack.push(new Copying(((Map<?, ?>) source).entrySet().iterator(), copy));
        }
    }

    /**
     * @param named which attachments a placeholder has named so far: each may be named once, as
     *              socket.io-parser writes them. Named again, one array would stand for many in the
     *              arguments, and every copy of them (an echo, a {@code List<byte[]>} parameter) copies it
     *              as many times: a megabyte named by the 33,000 placeholders a megabyte of text holds
     *              makes 33 GB. Node's parser takes it.
     * @return a placeholder's attachment, an empty container to copy a container into, or the value itself
     */
    private static Object shell(Object value, List<byte[]> parts, boolean[] named) throws SocketDecodeException {
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.size());
        }
        if (value instanceof Map<?, ?> map) {
            if (Boolean.TRUE.equals(map.get("_placeholder"))) {
                int n = attachmentIndex(map.get("num"), parts.size());
                if (n >= 0) {
                    if (named[n]) {
                        throw new SocketDecodeException(SocketDecodeException.Reason.BAD_PLACEHOLDER,
                                "attachment " + n + " named twice");
                    }
                    named[n] = true;
                    return parts.get(n);
                }
                throw new SocketDecodeException(SocketDecodeException.Reason.BAD_PLACEHOLDER, "illegal attachment index");
            }
            return new LinkedHashMap<>(map.size() * 2);
        }
        return value;
    }

    /**
     * @return the attachment a placeholder's {@code num} names, or -1 for none: a number with no
     *         fraction in range, in any JSON form ({@code 1}, {@code 1.0}, {@code 1e0}), as socket.io-parser
     *         indexes its array with it
     */
    private static int attachmentIndex(Object num, int count) {
        if (num instanceof Integer n) {
            return n >= 0 && n < count ? n : -1;
        }
        if (num instanceof Number n) {
            double d = n.doubleValue();
            return d >= 0 && d < count && d == Math.rint(d) ? (int) d : -1;
        }
        return -1;
    }

    static boolean isPayloadValid(SocketPacketType type, Object data) {
        return switch (type) {
            case CONNECT -> data instanceof Map;
            case DISCONNECT -> false;
            case CONNECT_ERROR -> data instanceof String || data instanceof Map;
            case EVENT, BINARY_EVENT -> data instanceof List<?> l && !l.isEmpty()
                    && (l.get(0) instanceof Number || l.get(0) instanceof String s && !RESERVED_EVENTS.contains(s));
            case ACK, BINARY_ACK -> data instanceof List;
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
