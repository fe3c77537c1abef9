package io.windsock.internal.protocol;

import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Socket.IO packets in the format of {@code socket.io-msgpack-parser} (3.x for socket.io-client 3 and
 * 4): each packet is one binary message, the MessagePack map {@code {type, data, id, nsp}} with binary
 * parts inline, so there are no BINARY_EVENT or BINARY_ACK packets and no attachments.
 *
 * <p>Written as the Node server writes it (keys in its order: {@code id} first for an ACK, {@code data}
 * and {@code id} left out when absent). Read as the parser checks it: {@code type} an integer from 0
 * to 4, {@code nsp} a string, {@code data} absent or a map for CONNECT, absent for DISCONNECT, a string
 * or a map for CONNECT_ERROR, an array otherwise, {@code id} absent or an integer; other keys (the
 * client's {@code options}) are ignored. Beyond the parser, as for JSON packets: the ack id is bounded
 * ({@link ProtocolLimits#maxAckIdDigits()} digits, not negative), an event's name is a string or a
 * number and not a reserved one, the packet at most {@link ProtocolLimits#maxPacketLength()} bytes and
 * its nesting at most {@link ProtocolLimits#maxJsonDepth()} levels below the packet's map. Thread-safe.
 */
public final class MsgpackPacketCodec {
    /** The packet's keys, in the order of {@link #TYPE}, {@link #NSP}, {@link #DATA}, {@link #ID}. */
    private static final byte[][] KEYS = {ascii("type"), ascii("nsp"), ascii("data"), ascii("id")};
    private static final int TYPE = 0;
    private static final int NSP = 1;
    private static final int DATA = 2;
    private static final int ID = 3;
    /** A key not in the packet; and one whose value is {@code undefined}, which is absent too (no key twice all the same). */
    private static final Object ABSENT = new Object();
    private static final Object UNDEFINED_FIELD = new Object();

    private final JsonCodec json;
    private final ProtocolLimits limits;
    private final long maxAckId;

    /** socket.io-msgpack-parser 2.x's packets (socket.io-client 2.x): see {@link #forSocketIoV4}. */
    private final boolean v4;

    /** @param json turns application objects into plain values, with the application's object mapper */
    public MsgpackPacketCodec(JsonCodec json, ProtocolLimits limits) {
        this(json, limits, false);
    }

    private MsgpackPacketCodec(JsonCodec json, ProtocolLimits limits, boolean v4) {
        this.v4 = v4;
        this.json = Objects.requireNonNull(json, "json");
        this.limits = Objects.requireNonNull(limits, "limits");
        long max = 1;
        for (int i = 0; i < Math.min(limits.maxAckIdDigits(), 18); i++) {
            max *= 10;
        }
        this.maxAckId = max - 1;
    }

    /**
     * @throws UncheckedIOException when a value cannot be written (as the JSON codec)
     */
    public byte[] encode(SocketPacket packet) {
        MsgpackWriter out = new MsgpackWriter(json::toPlain);
        SocketPacketType type = packet.type();
        int code = type.isEvent() ? 2 : type.isAck() ? 3 : type.code() - '0';
        Object data = packet.data();
        if (data instanceof JsonText text) {
            data = readText(text);
        }
        boolean hasData = data != null || type.isEvent() || type.isAck();
        out.mapHeader(2 + (hasData ? 1 : 0) + (packet.hasId() ? 1 : 0));
        if (type.isAck() && packet.hasId()) {
            out.write("id");
            out.write(packet.id());
        }
        out.write("type");
        out.write(code);
        if (hasData) {
            out.write("data");
            out.write(data != null ? data : List.of());
        }
        if (packet.hasId() && !type.isAck()) {
            out.write("id");
            out.write(packet.id());
        }
        out.write("nsp");
        out.write(packet.namespace());
        return out.toByteArray();
    }

    private Object readText(JsonText text) {
        try {
            return json.read(text.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The codec of socket.io-msgpack-parser 2.x, which socket.io-client 2.x (Engine.IO v3) uses: it reads
     * BINARY_EVENT and BINARY_ACK packets too (the 2.x client marks events holding binary so, the
     * binary inline all the same), and CONNECT, DISCONNECT and ERROR packets sent as JSON text
     * ({@link #decodeJsonText}). What it writes is what the 2.x parser reads as it is. Node's server,
     * with the 3.x parser, closes such clients at their first event with binary or their first namespace.
     */
    public MsgpackPacketCodec forSocketIoV4() {
        return new MsgpackPacketCodec(json, limits, true);
    }

    /**
     * Decodes a packet socket.io-msgpack-parser 2.x sent as JSON text ({@code {"type":0,"nsp":"/chat"}}),
     * with the checks of {@link #decode}.
     *
     * @throws SocketDecodeException also when this codec is not {@link #forSocketIoV4()}'s: 3.x sends binary only
     */
    public SocketPacket decodeJsonText(String frame) throws SocketDecodeException {
        if (!v4) {
            throw new SocketDecodeException(SocketDecodeException.Reason.UNEXPECTED_TEXT,
                    "got a text message where the MessagePack parser sends binary ones");
        }
        if (frame.length() > limits.maxPacketLength()) {
            throw new SocketDecodeException(SocketDecodeException.Reason.PACKET_TOO_LARGE,
                    "packet of " + frame.length() + " characters exceeds " + limits.maxPacketLength());
        }
        Object read;
        try {
            read = json.read(frame);
        } catch (JsonCodec.LimitExceeded e) {
            throw new SocketDecodeException(SocketDecodeException.Reason.JSON_LIMIT, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_JSON, "invalid JSON payload");
        }
        if (!(read instanceof Map<?, ?> map)) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "a packet that is not a map");
        }
        Object[] fields = {ABSENT, ABSENT, ABSENT, ABSENT};
        for (int k = 0; k < KEYS.length; k++) {
            String name = new String(KEYS[k], java.nio.charset.StandardCharsets.US_ASCII);
            if (map.containsKey(name)) {
                fields[k] = map.get(name);
            }
        }
        return packet(fields, NonFiniteList.marked(read) || read instanceof NonFiniteMap);
    }

    /** Decodes one binary message. */
    public SocketPacket decode(byte[] frame) throws SocketDecodeException {
        if (frame.length == 0) {
            throw new SocketDecodeException(SocketDecodeException.Reason.EMPTY_PACKET, "empty packet");
        }
        if (frame.length > limits.maxPacketLength()) {
            throw new SocketDecodeException(SocketDecodeException.Reason.PACKET_TOO_LARGE,
                    "packet of " + frame.length + " bytes exceeds " + limits.maxPacketLength());
        }
        // The packet's map is read key by key, without a map or a string per key: known keys' values
        // are read, others (the client's options) skipped.
        MsgpackReader reader = new MsgpackReader(frame, limits.maxJsonDepth());
        long entries = reader.mapHeader();
        if (entries < 0) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "a packet that is not a map");
        }
        Object[] fields = {ABSENT, ABSENT, ABSENT, ABSENT};
        for (long e = 0; e < entries; e++) {
            int key = reader.key(KEYS);
            if (key < 0) {
                reader.skip();
                continue;
            }
            if (fields[key] != ABSENT) {
                throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD,
                        "invalid MessagePack: a map key twice");
            }
            Object value = reader.value();
            fields[key] = value == MsgpackReader.UNDEFINED ? UNDEFINED_FIELD : value;
        }
        reader.end();
        return packet(fields, reader.sawNonFinite());
    }

    /** The packet of the fields read, checked. */
    private SocketPacket packet(Object[] fields, boolean nonFinite) throws SocketDecodeException {
        SocketPacketType type = type(fields[TYPE]);
        if (!(fields[NSP] instanceof String namespace)) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "invalid namespace");
        }
        Object data = present(fields[DATA]) ? fields[DATA] : null;
        if (!present(fields[DATA]) ? type != SocketPacketType.CONNECT && type != SocketPacketType.DISCONNECT
                : type == SocketPacketType.DISCONNECT || !SocketPacketDecoder.isPayloadValid(type, data)) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "invalid payload for " + type);
        }
        if (nonFinite) { // marked as the JSON reader marks them, for strict conversion
            if (data instanceof List<?> list) {
                data = new NonFiniteList(list);
            } else if (data instanceof Map<?, ?>) {
                data = new NonFiniteMap(stringMap(data));
            }
        }
        return new SocketPacket(type, namespace, present(fields[ID]) ? id(fields[ID]) : SocketPacket.NO_ID, data);
    }

    private static boolean present(Object field) {
        return field != ABSENT && field != UNDEFINED_FIELD;
    }

    private SocketPacketType type(Object code) throws SocketDecodeException {
        if (code instanceof Integer n && n >= 0 && n <= (v4 ? 6 : 4)) {
            return SocketPacketType.fromCode((char) ('0' + n));
        }
        throw new SocketDecodeException(SocketDecodeException.Reason.UNKNOWN_TYPE, "unknown packet type");
    }

    private long id(Object id) throws SocketDecodeException {
        long value;
        if (id instanceof Integer || id instanceof Long) {
            value = ((Number) id).longValue();
        } else if (id instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e18) {
            value = d.longValue(); // JavaScript's Number.isInteger(1.0)
        } else {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "invalid packet id");
        }
        if (value < 0) {
            throw new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "invalid packet id");
        }
        if (value > maxAckId) {
            throw new SocketDecodeException(SocketDecodeException.Reason.ACK_ID_TOO_LONG,
                    "ack id of " + Long.toString(value).length() + " digits exceeds " + limits.maxAckIdDigits());
        }
        return value;
    }

    private static byte[] ascii(String key) {
        return key.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> stringMap(Object data) {
        return (Map<String, ?>) data;
    }
}
