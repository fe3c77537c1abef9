package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Handlers inherited from superclasses and interfaces, generic ones too: an override counts once, under its own name. */
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

    /** Beside the unannotated override, an overload the compiler's bridge put(Object) could also take. */
    public static class NotAnnotatedBesideAnOverload extends GenericBase<String> {
        @Override
        public void put(String value) {
            log.append("sub:").append(value).append(' ');
        }

        @Event("count")
        public void put(Integer n) {
            log.append("count:").append(n).append(' ');
        }
    }

    /** A generic middle class overrides put(T) with its own bounded variable; the leaf binds it. */
    public static class GenericMiddle<U extends CharSequence> extends GenericBase<U> {
        @Override
        @Event("middle put")
        public void put(U value) {
            log.append("middle:").append(value).append(' ');
        }
    }

    public static class BelowGenericMiddle extends GenericMiddle<String> {
    }

    public static class Fetches<T> extends SocketConnection {
        @Event
        public T fetch() {
            return null;
        }

        @Event
        public Object describe() {
            return "base";
        }
    }

    /** Overrides with a narrower return type: the compiler adds bridges whose signature is the override's own. */
    public static class NarrowedReturns extends Fetches<String> {
        @Override
        @Event
        public String fetch() {
            return "sub";
        }

        @Override
        @Event("about")
        public String describe() {
            return "sub";
        }
    }

    public interface Pings {
        @Event
        default String ping() {
            return "pong";
        }

        @Event("renamed ping")
        default String renamed() {
            return "interface";
        }
    }

    public interface LoudPings extends Pings {
        @Override
        @Event("loud ping")
        default String ping() {
            return "PONG";
        }
    }

    public interface Stores<T> {
        @Event
        default String keep(T value) {
            return "interface";
        }
    }

    public static class WithInterfaces extends SocketConnection implements Pings {
        @Override
        public String renamed() { // no annotation: still the handler of "renamed ping", and this body runs
            return "class";
        }
    }

    /** Implements Pings directly and through LoudPings: the subinterface's override wins either way. */
    public static class WithSubinterface extends SocketConnection implements Pings, LoudPings {
    }

    public static class WithGenericInterface extends SocketConnection implements Stores<String> {
        @Override
        @Event("store")
        public String keep(String value) {
            return "class:" + value;
        }
    }

    @Test
    void interfaceDefaultMethodsAreHandlersAndAClassOverrideRunsInTheirPlace() throws Exception {
        assertEquals(Set.of("ping", "renamed ping"), ConnectionType.of(WithInterfaces.class).handlers().keySet());
        Fixtures.Wired<WithInterfaces> w = new Fixtures.Wired<>(new WithInterfaces()).open();
        assertEquals(List.of("pong"), w.fire("ping", "[]").only());
        assertEquals(List.of("class"), w.fire("renamed ping", "[]").only());
    }

    @Test
    void aSubinterfaceOverrideIsRegisteredUnderItsNameOnly() throws Exception {
        assertEquals(Set.of("loud ping", "renamed ping"), ConnectionType.of(WithSubinterface.class).handlers().keySet());
        Fixtures.Wired<WithSubinterface> w = new Fixtures.Wired<>(new WithSubinterface()).open();
        assertEquals(List.of("PONG"), w.fire("loud ping", "[]").only());
    }

    @Test
    void aClassOverrideOfAGenericInterfaceHandlerCountsOnce() throws Exception {
        assertEquals(Set.of("store"), ConnectionType.of(WithGenericInterface.class).handlers().keySet());
        Fixtures.Wired<WithGenericInterface> w = new Fixtures.Wired<>(new WithGenericInterface()).open();
        assertEquals(List.of("class:x"), w.fire("store", "[\"x\"]").only());
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

    @Test
    void aReAnnotatedOverrideWithANarrowerReturnTypeIsStillAHandler() throws Exception {
        assertEquals(Set.of("fetch", "about"), ConnectionType.of(NarrowedReturns.class).handlers().keySet());
        Fixtures.Wired<NarrowedReturns> w = new Fixtures.Wired<>(new NarrowedReturns()).open();
        assertEquals(List.of("sub"), w.fire("fetch", "[]").only());
        assertEquals(List.of("sub"), w.fire("about", "[]").only());
    }

    @Test
    void anUnannotatedGenericOverrideKeepsTheBaseHandlerBesideAnAnnotatedOverload() throws Exception {
        assertEquals(Set.of("put", "count"), ConnectionType.of(NotAnnotatedBesideAnOverload.class).handlers().keySet());
        Fixtures.Wired<NotAnnotatedBesideAnOverload> w = new Fixtures.Wired<>(new NotAnnotatedBesideAnOverload()).open();
        w.fire("put", "[\"x\"]");
        w.fire("count", "[2]");
        assertEquals("sub:x count:2 ", w.connection.log.toString());
    }

    @Test
    void anOverrideInAGenericMiddleClassIsRegisteredUnderItsNameOnly() throws Exception {
        assertEquals(Set.of("middle put"), ConnectionType.of(BelowGenericMiddle.class).handlers().keySet());
        Fixtures.Wired<BelowGenericMiddle> w = new Fixtures.Wired<>(new BelowGenericMiddle()).open();
        w.fire("middle put", "[\"x\"]");
        assertEquals("middle:x ", w.connection.log.toString());
    }
}
