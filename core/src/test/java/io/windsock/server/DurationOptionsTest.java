package io.windsock.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every timer of the options counts in milliseconds: a duration under 1 ms would become 0 ms (a
 * ping right after every pong, every session closed at once), so the builders refuse it, and take
 * exactly 1 ms.
 */
class DurationOptionsTest {
    private static final Duration HALF_MS = Duration.ofNanos(500_000);
    private static final Duration ONE_MS = Duration.ofMillis(1);

    private static final Map<String, Consumer<Duration>> SETTERS = Map.ofEntries(
            Map.entry("pingInterval", d -> EngineOptions.builder().pingInterval(d)),
            Map.entry("pingTimeout", d -> EngineOptions.builder().pingTimeout(d)),
            Map.entry("upgradeTimeout", d -> EngineOptions.builder().upgradeTimeout(d)),
            Map.entry("connectTimeout", d -> WindsockOptions.builder().connectTimeout(d)),
            Map.entry("headersTimeout", d -> WindsockOptions.builder().headersTimeout(d)),
            Map.entry("requestTimeout", d -> WindsockOptions.builder().requestTimeout(d)),
            Map.entry("keepAliveTimeout", d -> WindsockOptions.builder().keepAliveTimeout(d)),
            Map.entry("heartbeatInterval", d -> Protocol1Options.builder().heartbeatInterval(d)),
            Map.entry("clientTimeout", d -> Protocol1Options.builder().clientTimeout(d)),
            Map.entry("pollTimeout", d -> Protocol1Options.builder().pollTimeout(d)),
            Map.entry("sessionExpiry", d -> Protocol1Options.builder().sessionExpiry(d)),
            Map.entry("maxDisconnectionDuration", d -> new ConnectionStateRecovery(d, true)));

    @Test
    void aDurationUnderOneMillisecondIsRefusedWithItsName() {
        SETTERS.forEach((name, setter) -> {
            for (Duration bad : new Duration[] {HALF_MS, Duration.ofNanos(1), Duration.ZERO, Duration.ofMillis(-1)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> setter.accept(bad), name + " took " + bad);
                assertTrue(e.getMessage().contains(name) && e.getMessage().contains("1 ms"), e.getMessage());
            }
        });
    }

    @Test
    void oneMillisecondIsTaken() {
        SETTERS.forEach((name, setter) -> setter.accept(ONE_MS));
        assertEquals(1, EngineOptions.builder().pingInterval(ONE_MS).build().pingInterval().toMillis());
    }

    @Test
    void nullIsRefused() {
        SETTERS.forEach((name, setter) -> {
            Executable call = () -> setter.accept(null);
            assertThrows(NullPointerException.class, call, name);
        });
    }
}
