package io.windsock.internal.server;

import io.windsock.internal.protocol.SocketPacketDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Event names and argument lists, shared by sockets, namespaces and broadcast operators. */
public final class Events {
    /** Names socket.io reserves: never sent, and never dispatched when a client sends them. */
    public static final Set<String> RESERVED = SocketPacketDecoder.RESERVED_EVENTS;

    private Events() {
    }

    /** Refuses a null or reserved event name, as {@code Socket.emit} does. */
    public static void checkNotReserved(String event) {
        if (event == null) {
            throw new IllegalArgumentException("event name is null");
        }
        if (RESERVED.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }

    /**
     * Checks an {@code emitWithAck} timeout, as {@code Socket.emitWithAck} does.
     *
     * @return the timeout in milliseconds (zero or negative: it expires at once)
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is too long to count in milliseconds
     */
    public static long ackTimeoutMillis(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return timeout.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("emitWithAck timeout too large to count in milliseconds: " + timeout, e);
        }
    }

    /** @return {@code [event, args...]}, the data of an EVENT packet. */
    static List<Object> eventList(String event, Object[] args) {
        List<Object> list = new ArrayList<>(args.length + 1);
        list.add(event);
        for (Object arg : args) {
            list.add(arg);
        }
        return list;
    }
}
