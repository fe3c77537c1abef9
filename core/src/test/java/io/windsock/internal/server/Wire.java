package io.windsock.internal.server;

import io.windsock.internal.json.JacksonJsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Reads the Socket.IO packets a {@link SocketLayer.TestClient} received (main namespace, text only). */
final class Wire {
    private static final JacksonJsonCodec JSON = new JacksonJsonCodec();

    private Wire() {
    }

    static Object json(String text) {
        try {
            return JSON.read(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the payload of a CONNECT reply {@code 0{"sid":...}}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> connectReply(String packet) {
        if (!packet.startsWith("0{")) {
            throw new AssertionError("not a CONNECT reply: " + packet);
        }
        return (Map<String, Object>) json(packet.substring(1));
    }

    static String sid(String connectReply) {
        return (String) connectReply(connectReply).get("sid");
    }

    /** @return {@code [event, args...]} of an EVENT packet without ack id, {@code 2[...]}. */
    @SuppressWarnings("unchecked")
    static List<Object> event(String packet) {
        if (!packet.startsWith("2[")) {
            throw new AssertionError("not an EVENT without ack id: " + packet);
        }
        return (List<Object>) json(packet.substring(1));
    }

    /** @return the ack id of an EVENT packet with one, {@code 2<id>[...]}. */
    static long ackId(String packet) {
        int bracket = packet.indexOf('[');
        if (!packet.startsWith("2") || bracket <= 1) {
            throw new AssertionError("not an EVENT with an ack id: " + packet);
        }
        return Long.parseLong(packet.substring(1, bracket));
    }
}
