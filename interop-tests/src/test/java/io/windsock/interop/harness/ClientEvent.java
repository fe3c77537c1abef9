package io.windsock.interop.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * One thing a Node client socket saw, as its driver printed it: {@code connect}, {@code connect_error},
 * {@code disconnect}, {@code event}, {@code ack} or {@code reply}. Accessors return what the line holds.
 */
public record ClientEvent(JsonNode json) {
    public String type() {
        return json.path("type").asText();
    }

    /** @return the event name of an {@code event}. */
    public String event() {
        return json.path("event").asText();
    }

    /** @return the arguments of an {@code event} or an {@code ack}, binary in wire form (see {@link Json}). */
    public ArrayNode args() {
        JsonNode args = json.get("args");
        return args instanceof ArrayNode array ? array : JsonNodeFactory.instance.arrayNode();
    }

    public JsonNode arg(int index) {
        return args().get(index);
    }

    /** @return whether the server asked for an acknowledgement of this {@code event}. */
    public boolean wantsAck() {
        return json.has("ackId");
    }

    public int ackId() {
        return json.path("ackId").asInt(-1);
    }

    public int seq() {
        return json.path("seq").asInt(-1);
    }

    /** @return the socket id of a {@code connect}. */
    public String id() {
        return json.path("id").asText(null);
    }

    /** @return whether the server recovered the session of a {@code connect} (the client's {@code socket.recovered}). */
    public boolean recovered() {
        return json.path("recovered").asBoolean(false);
    }

    /** @return the private session id the server gave with a {@code connect}, or null without recovery. */
    public String pid() {
        return json.path("pid").asText(null);
    }

    /** @return the reason of a {@code disconnect}. */
    public String reason() {
        return json.path("reason").asText(null);
    }

    /** @return the message of a {@code connect_error}, or the error of a timed-out {@code ack}. */
    public String message() {
        return json.has("message") ? json.get("message").asText() : json.path("error").asText(null);
    }

    /** @return the {@code data} of a {@code connect_error} (a missing node when none). */
    public JsonNode data() {
        return json.path("data");
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
