package io.windsock.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineOptionsTransportsTest {
    @Test
    void aTransportNamedTwiceCountsOnce() {
        assertEquals(Set.of("polling"), EngineOptions.builder().transports("polling", "polling").build().transports());
    }

    @Test
    void unknownOrNoTransportsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().transports("flashsocket"));
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().transports());
    }
}
