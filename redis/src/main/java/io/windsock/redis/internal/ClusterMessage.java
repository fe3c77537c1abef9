package io.windsock.redis.internal;

import java.util.Map;
import java.util.Objects;

/**
 * One message between the nodes of a cluster adapter, independent of how it travels: its type, the
 * sending node's uid, the namespace and the type's data ({@code null} for the heartbeats and
 * ADAPTER_CLOSE). Outgoing data may hold application objects (event arguments, socket data);
 * decoded data holds plain values (see {@link WireCodec}). Data maps keep Node's field order.
 */
public record ClusterMessage(ClusterMessageType type, String uid, String nsp, Map<String, Object> data) {
    public ClusterMessage {
        Objects.requireNonNull(type, "type");
    }

    /** @return a field of the data, or null */
    public Object get(String field) {
        return data == null ? null : data.get(field);
    }

    /** @return the request id of a request or response, or null when there is none (or it is not a string) */
    public String requestId() {
        return get("requestId") instanceof String id ? id : null;
    }
}
