package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.NonBlocking;
import io.windsock.connection.SocketConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which events a connection class declares non-blocking (the threads themselves: NonBlockingHandlersTest). */
class NonBlockingScanTest {
    public static class PerMethod extends SocketConnection {
        @Event
        @NonBlocking
        public String fast(String s) {
            return s;
        }

        @Event
        public String slow(String s) {
            return s;
        }
    }

    /** An override with {@code @Event} decides for itself; one without keeps the overridden method's. */
    public static class Overrides extends PerMethod {
        @Override
        @Event
        public String fast(String s) {
            return s;
        }
    }

    public static class OverridesQuietly extends PerMethod {
        @Override
        public String fast(String s) {
            return s + "!";
        }
    }

    @NonBlocking
    public static class WholeClass extends PerMethod {
        @Event
        public String other(String s) {
            return s;
        }
    }

    public static class CatchAll extends PerMethod {
        @Override
        public Object onEvent(String event, List<Object> args, Map<String, Object> kwargs) {
            return null;
        }
    }

    @NonBlocking
    public static class NonBlockingCatchAll extends CatchAll {
    }

    @Test
    void aMethodAnnotationCoversThatHandlerOnly() {
        ConnectionType type = ConnectionType.of(PerMethod.class);
        assertTrue(type.isNonBlocking("fast"));
        assertFalse(type.isNonBlocking("slow"));
        assertFalse(type.isNonBlocking("unknown"));
    }

    @Test
    void anOverrideAnnotatedEventDecidesForItself() {
        assertFalse(ConnectionType.of(Overrides.class).isNonBlocking("fast"));
        assertTrue(ConnectionType.of(OverridesQuietly.class).isNonBlocking("fast"));
    }

    @Test
    void aClassAnnotationCoversEveryHandlerInheritedOnesIncluded() {
        ConnectionType type = ConnectionType.of(WholeClass.class);
        assertTrue(type.isNonBlocking("fast"));
        assertTrue(type.isNonBlocking("slow"));
        assertTrue(type.isNonBlocking("other"));
        assertFalse(type.isNonBlocking("unknown"));
    }

    @Test
    void anOverriddenOnEventIsNonBlockingOnlyWithTheClassAnnotation() {
        assertFalse(ConnectionType.of(CatchAll.class).isNonBlocking("fast"));
        assertTrue(ConnectionType.of(NonBlockingCatchAll.class).isNonBlocking("anything"));
    }
}
