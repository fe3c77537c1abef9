package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Transport;
import java.util.HashMap;
import java.util.Map;

/** What the tests of a client that reconnects by itself (and may be recovered) share. */
public final class ReconnectingClient {
    private ReconnectingClient() {
    }

    /** The client's options on {@code transport}: it reconnects within 200 ms. */
    public static Map<String, Object> options(Transport transport) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        options.put("reconnection", true);
        options.put("reconnectionDelay", 50);
        options.put("reconnectionDelayMax", 200);
        options.put("randomizationFactor", 0);
        return options;
    }

    /** @return the socket id of the next {@code connect}, after the failed attempts while handshakes were refused. */
    public static String awaitConnect(ClientSocket client) {
        ClientEvent event;
        while (!"connect".equals((event = client.next()).type())) {
            assertEquals("connect_error", event.type(), event::toString);
        }
        return event.id();
    }

    /** The event's arguments without the recovery offset that ends them when recovery is on. */
    public static JsonNode withoutOffset(ClientEvent event) {
        ArrayNode args = event.args().deepCopy();
        if (args.size() > 1 && args.get(args.size() - 1).isTextual()) {
            args.remove(args.size() - 1);
        }
        return args;
    }
}
