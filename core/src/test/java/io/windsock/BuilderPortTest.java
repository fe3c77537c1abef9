package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.windsock.server.WindsockOptions;
import org.junit.jupiter.api.Test;

/** The builder's {@code port} decides the port whether {@code options} comes before or after it. */
class BuilderPortTest {
    @Test
    void portBeforeOptionsIsKept() {
        Windsock server = Windsock.builder().port(0).options(WindsockOptions.builder().path("/io/").build()).build();
        try {
            server.start();
            assertNotEquals(8001, server.port(), "options() replaced the port set before it");
            assertEquals("/io/", server.options().path());
        } finally {
            server.stop();
        }
    }

    @Test
    void portAfterOptionsWinsOverTheirs() {
        Windsock server = Windsock.builder().options(WindsockOptions.builder().port(8001).build()).port(0).build();
        try {
            server.start();
            assertNotEquals(8001, server.port());
        } finally {
            server.stop();
        }
    }

    @Test
    void aPortOutOfRangeIsRefusedWhereItIsSet() {
        Windsock.Builder builder = Windsock.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.port(65536));
        assertThrows(IllegalArgumentException.class, () -> builder.port(-1));
    }
}
