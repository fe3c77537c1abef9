package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.windsock.server.EventListener;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-socket listener table: EventEmitter's on/off semantics in both of its forms (array and map). */
class EventListenerTableTest {
    private static EventListener listener() {
        return (args, ack) -> { };
    }

    @Test
    void oneListenerIsTheEntryItselfAndMoreKeepTheirRegistrationOrder() {
        EventListener a = listener();
        EventListener b = listener();
        EventListenerTable table = EventListenerTable.EMPTY.with("echo", a);
        assertSame(a, table.entry("echo"));
        table = table.with("echo", b).with("echo", a);
        assertEquals(List.of(a, b, a), EventListenerTable.listeners(table.entry("echo")));
        assertNull(table.entry("other"));
    }

    @Test
    void offRemovesTheEarliestRegistrationAndAnEventWithoutListenersGoes() {
        EventListener a = listener();
        EventListener b = listener();
        EventListenerTable table = EventListenerTable.EMPTY.with("e", a).with("e", b).with("e", a);
        table = table.without("e", a);
        assertEquals(List.of(b, a), EventListenerTable.listeners(table.entry("e")));
        table = table.without("e", b);
        assertSame(a, table.entry("e"), "one left: the listener itself again");
        table = table.without("e", a);
        assertNull(table.entry("e"));
        assertSame(table, table.without("e", a), "nothing to remove: the same table");
        assertSame(EventListenerTable.EMPTY, EventListenerTable.EMPTY.with("x", a).without("x"));
    }

    @Test
    void manyEventsAreFoundInEitherFormAndKeepTheirListeners() {
        EventListenerTable table = EventListenerTable.EMPTY;
        EventListener[] listeners = new EventListener[20];
        for (int i = 0; i < listeners.length; i++) {
            listeners[i] = listener();
            table = table.with("event" + i, listeners[i]);
            for (int j = 0; j <= i; j++) {
                assertSame(listeners[j], table.entry("event" + j), "after " + (i + 1) + " events");
            }
        }
        for (int i = listeners.length - 1; i >= 0; i--) {
            table = table.without("event" + i);
            assertNull(table.entry("event" + i));
            for (int j = 0; j < i; j++) {
                assertSame(listeners[j], table.entry("event" + j), "with " + i + " events left");
            }
        }
        assertSame(EventListenerTable.EMPTY, table);
    }
}
