package io.windsock.internal.sio1;

import java.util.Objects;

/**
 * One Socket.IO 0.9 ("protocol 1") packet: {@code type:id[+]:endpoint[:data]}. A pure codec: no
 * JSON, no I/O. The data is kept as text; {@link Sio1Dialect} gives it meaning.
 *
 * @param type     0 disconnect, 1 connect, 2 heartbeat, 3 message, 4 json, 5 event, 6 ack, 7 error, 8 noop
 * @param id       the message id (digits), or "" for none
 * @param ackData  whether the id carries {@code +}: the receiver's code answers with data
 * @param endpoint the endpoint ("" for the main one), never containing ':'
 * @param data     the data, or null when the packet has no data part
 */
public record Sio1Packet(int type, String id, boolean ackData, String endpoint, String data) {
    public static final int DISCONNECT = 0;
    public static final int CONNECT = 1;
    public static final int HEARTBEAT = 2;
    public static final int MESSAGE = 3;
    public static final int JSON = 4;
    public static final int EVENT = 5;
    public static final int ACK = 6;
    public static final int ERROR = 7;
    public static final int NOOP = 8;

    /** The longest id accepted: past 15 digits a JavaScript number loses precision. */
    static final int MAX_ID_DIGITS = 15;

    public static final Sio1Packet HEARTBEAT_PACKET = new Sio1Packet(HEARTBEAT, "", false, "", null);
    public static final Sio1Packet NOOP_PACKET = new Sio1Packet(NOOP, "", false, "", null);

    public Sio1Packet {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        if (type < 0 || type > 8) {
            throw new IllegalArgumentException("packet type " + type);
        }
        if (endpoint.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an endpoint cannot contain ':'");
        }
    }

    public static Sio1Packet of(int type, String endpoint) {
        return new Sio1Packet(type, "", false, endpoint, null);
    }

    public static Sio1Packet of(int type, String endpoint, String data) {
        return new Sio1Packet(type, "", false, endpoint, data);
    }

    public boolean hasId() {
        return !id.isEmpty();
    }

    /** @return the wire text. */
    public String encode() {
        StringBuilder out = new StringBuilder(8 + endpoint.length() + (data == null ? 0 : data.length()));
        out.append((char) ('0' + type)).append(':').append(id);
        if (ackData) {
            out.append('+');
        }
        out.append(':').append(endpoint);
        if (data != null) {
            out.append(':').append(data);
        }
        return out.toString();
    }

    /**
     * Parses one packet. The official client sends at least {@code type::}; a missing endpoint
     * separator is accepted as the spec's {@code type:id} short form (the 0.9 server did).
     */
    public static Sio1Packet decode(String text) throws Sio1DecodeException {
        if (text.length() < 2 || text.charAt(1) != ':') {
            throw new Sio1DecodeException("not a packet: no type");
        }
        int type = text.charAt(0) - '0';
        if (type < 0 || type > 8) {
            throw new Sio1DecodeException("unknown packet type");
        }
        int idEnd = text.indexOf(':', 2);
        String idPart = idEnd < 0 ? text.substring(2) : text.substring(2, idEnd);
        boolean ackData = idPart.endsWith("+");
        String id = ackData ? idPart.substring(0, idPart.length() - 1) : idPart;
        if (id.length() > MAX_ID_DIGITS) {
            throw new Sio1DecodeException("message id too long");
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                throw new Sio1DecodeException("message id is not a number");
            }
        }
        if (ackData && id.isEmpty()) {
            throw new Sio1DecodeException("'+' without a message id");
        }
        if (idEnd < 0) {
            return new Sio1Packet(type, id, ackData, "", null);
        }
        int endpointEnd = text.indexOf(':', idEnd + 1);
        String endpoint = endpointEnd < 0 ? text.substring(idEnd + 1) : text.substring(idEnd + 1, endpointEnd);
        String data = endpointEnd < 0 ? null : text.substring(endpointEnd + 1);
        return new Sio1Packet(type, id, ackData, endpoint, data);
    }
}
