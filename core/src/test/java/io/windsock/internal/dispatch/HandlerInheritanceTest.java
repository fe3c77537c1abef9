package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Handlers inherited through generic superclasses: an override counts once, under its own name. */
class HandlerInheritanceTest {
    public static class GenericBase<T> extends SocketConnection {
        final StringBuilder log = new StringBuilder();

        @Event
        public void put(T value) {
            log.append("base ");
        }
    }

    public static class ReAnnotated extends GenericBase<String> {
        @Override
        @Event
        public void put(String value) {
            log.append("sub:").append(value).append(' ');
        }
    }

    public static class Renamed extends GenericBase<String> {
        @Override
        @Event("store")
        public void put(String value) {
            log.append("sub:").append(value).append(' ');
        }
    }

    public static class NotAnnotated extends GenericBase<String> {
        @Override
        public void put(String value) {
            log.append("sub:").append(value).append(' ');
        }
    }

    @Test
    void aReAnnotatedGenericOverrideIsOneHandlerAndItsBodyRuns() throws Exception {
        assertEquals(Set.of("put"), ConnectionType.of(ReAnnotated.class).handlers().keySet());
        Fixtures.Wired<ReAnnotated> w = new Fixtures.Wired<>(new ReAnnotated()).open();
        assertEquals(List.of(), w.fire("put", "[\"x\"]").only());
        assertEquals("sub:x ", w.connection.log.toString());
    }

    @Test
    void aRenamedGenericOverrideIsRegisteredUnderItsNameOnly() throws Exception {
        assertEquals(Set.of("store"), ConnectionType.of(Renamed.class).handlers().keySet());
        Fixtures.Wired<Renamed> w = new Fixtures.Wired<>(new Renamed()).open();
        w.fire("store", "[\"x\"]");
        assertEquals("sub:x ", w.connection.log.toString());
    }

    @Test
    void anOverrideWithoutTheAnnotationKeepsTheBaseHandlerAndRunsInItsPlace() throws Exception {
        assertEquals(Set.of("put"), ConnectionType.of(NotAnnotated.class).handlers().keySet());
        Fixtures.Wired<NotAnnotated> w = new Fixtures.Wired<>(new NotAnnotated()).open();
        w.fire("put", "[\"x\"]");
        assertEquals("sub:x ", w.connection.log.toString());
    }
}
