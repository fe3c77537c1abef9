package io.windsock.internal.sio1;

import io.windsock.internal.protocol.JsonCodec;
import io.windsock.internal.protocol.NonFiniteList;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Socket.IO packets as protocol 1 writes them, and back. Endpoints are namespaces ("" is "/");
 * {@code message} events with one argument are message (3, a string) and json (4) packets; an ack
 * id wanted back carries {@code +}. Thread-safe.
 */
public final class Sio1Dialect {
    /** The error reason the 0.9 client turns into {@code connect_failed} (its index in the client's list). */
    static final String REASON_UNAUTHORIZED = "2";
    static final String MESSAGE_EVENT = "message";

    private final JsonCodec json;

    public Sio1Dialect(JsonCodec json) {
        this.json = json;
    }

    public static String endpointOf(String namespace) {
        return "/".equals(namespace) ? "" : namespace;
    }

    public static String namespaceOf(String endpoint) {
        return endpoint.isEmpty() ? "/" : endpoint;
    }

    /**
     * @return the protocol-1 packet for a Socket.IO packet. CONNECT_ERROR becomes an "unauthorized"
     *         error packet (the client's {@code connect_failed}); binary parts are written as JSON
     *         (base64), as protocol 1 has no binary.
     */
    public Sio1Packet encode(SocketPacket packet) {
        String endpoint = endpointOf(packet.namespace());
        String id = packet.hasId() ? Long.toString(packet.id()) : "";
        switch (packet.type()) {
            case CONNECT:
                return Sio1Packet.of(Sio1Packet.CONNECT, endpoint);
            case DISCONNECT:
                return Sio1Packet.of(Sio1Packet.DISCONNECT, endpoint);
            case CONNECT_ERROR:
                return Sio1Packet.of(Sio1Packet.ERROR, endpoint, REASON_UNAUTHORIZED);
            case ACK:
            case BINARY_ACK: {
                List<Object> args = packet.args();
                return Sio1Packet.of(Sio1Packet.ACK, endpoint,
                        args.isEmpty() ? id : id + "+" + json.write(args));
            }
            default: {
                List<Object> all = packet.args();
                String name = all.isEmpty() ? "" : String.valueOf(all.get(0));
                List<Object> args = all.size() > 1 ? all.subList(1, all.size()) : List.of();
                if (MESSAGE_EVENT.equals(name) && args.size() == 1) {
                    Object value = args.get(0);
                    return value instanceof String text
                            ? new Sio1Packet(Sio1Packet.MESSAGE, id, packet.hasId(), endpoint, text)
                            : new Sio1Packet(Sio1Packet.JSON, id, packet.hasId(), endpoint, json.write(value));
                }
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("name", name);
                event.put("args", args);
                return new Sio1Packet(Sio1Packet.EVENT, id, packet.hasId(), endpoint, json.write(event));
            }
        }
    }

    /**
     * The Socket.IO packet for a client's message (3), json (4), event (5) or ack (6) packet, with the
     * packet's id as the ack id. The session acknowledges an id without {@code +} itself (see
     * {@link Sio1Carrier}) and hands this an id only with {@code +}, which leaves the answer to the
     * application.
     *
     * @throws Sio1DecodeException for data that does not parse or has the wrong shape
     */
    public SocketPacket decode(Sio1Packet packet) throws Sio1DecodeException {
        String namespace = namespaceOf(packet.endpoint());
        long id = packet.hasId() ? Long.parseLong(packet.id()) : SocketPacket.NO_ID;
        String data = packet.data() == null ? "" : packet.data();
        switch (packet.type()) {
            case Sio1Packet.MESSAGE:
                return SocketPacket.event(namespace, List.of(MESSAGE_EVENT, data), id);
            case Sio1Packet.JSON: {
                // No data part is the stock client's json.send(undefined): JSON.stringify gives undefined,
                // which its encoder leaves out. The 0.9 server hands the handler undefined: null here.
                Object value = packet.data() == null ? null : read(data);
                // The wire reader's mark (an infinity inside) goes on to the event's arguments.
                List<Object> event = NonFiniteList.marked(value) ? new NonFiniteList(List.of()) : new ArrayList<>(2);
                event.add(MESSAGE_EVENT);
                event.add(value);
                return SocketPacket.event(namespace, event, id);
            }
            case Sio1Packet.EVENT:
                return SocketPacket.event(namespace, eventList(read(data)), id);
            case Sio1Packet.ACK:
                return decodeAck(namespace, data);
            default:
                throw new IllegalArgumentException("not a data packet: " + packet.type());
        }
    }

    private static List<Object> eventList(Object value) throws Sio1DecodeException {
        if (!(value instanceof Map<?, ?> event) || !(event.get("name") instanceof String name)) {
            throw new Sio1DecodeException("an event is an object with a string name");
        }
        Object args = event.get("args");
        if (args != null && !(args instanceof List)) {
            throw new Sio1DecodeException("event args are not an array");
        }
        List<Object> list = NonFiniteList.marked(value) ? new NonFiniteList(List.of()) : new ArrayList<>();
        list.add(name);
        if (args != null) {
            list.addAll((List<?>) args);
        }
        return list;
    }

    private SocketPacket decodeAck(String namespace, String data) throws Sio1DecodeException {
        int plus = data.indexOf('+');
        String digits = plus < 0 ? data : data.substring(0, plus);
        if (digits.isEmpty() || digits.length() > Sio1Packet.MAX_ID_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Sio1DecodeException("bad ack id");
        }
        List<Object> args = List.of();
        if (plus >= 0) {
            // Everything after the first '+' is the JSON array: ack data may contain '+' itself.
            if (!(read(data.substring(plus + 1)) instanceof List<?> list)) {
                throw new Sio1DecodeException("ack data is not an array");
            }
            args = list instanceof NonFiniteList ? new NonFiniteList(list) : new ArrayList<>(list);
        }
        return new SocketPacket(SocketPacketType.ACK, namespace, Long.parseLong(digits), args);
    }

    private Object read(String text) throws Sio1DecodeException {
        try {
            return json.read(text);
        } catch (IOException e) {
            throw new Sio1DecodeException(e instanceof JsonCodec.LimitExceeded ? e.getMessage() : "data is not JSON");
        }
    }
}
