package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.dispatch.handlersub.PingOverOpened;
import io.windsock.internal.dispatch.handlersub.RenamedPings;
import io.windsock.internal.dispatch.handlersub.SamePing;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Package-private handlers with the same signature in a class and its subclass in another package:
 * the subclass's method does not override the base's, so both are handlers, as the JVM keeps both.
 */
class PackagePrivateHandlersTest {
    @Test
    void twoSuchHandlersOfOneEventFailTheRegistrationNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HandlerScanner.scan(SamePing.class));
        assertTrue(e.getMessage().contains("two handlers for event 'ping': SamePing.ping() and PingBase.ping()"),
                e.getMessage());
    }

    @Test
    void twoSuchHandlersOfDistinctEventsAreBothRegisteredAndEachRunsItsOwnBody() throws Exception {
        assertEquals(Set.of("base ping", "sub ping"), ConnectionType.of(RenamedPings.class).handlers().keySet());
        Fixtures.Wired<RenamedPings> w = new Fixtures.Wired<>(new RenamedPings()).open();
        w.fire("base ping", "[]");
        w.fire("sub ping", "[]");
        assertEquals("base sub ", w.connection.log.toString());
    }

    @Test
    void anOverrideThroughAPublicOverrideInTheBasePackageReplacesTheBaseHandler() throws Exception {
        assertEquals(Set.of("ping"), ConnectionType.of(PingOverOpened.class).handlers().keySet());
        Fixtures.Wired<PingOverOpened> w = new Fixtures.Wired<>(new PingOverOpened()).open();
        w.fire("ping", "[]");
        assertEquals("sub ", w.connection.log.toString());
    }
}
