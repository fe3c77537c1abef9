package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Addresses in handshakes from other nodes: IP literals become addresses, anything else stays an
 * unresolved name, never looked up (a hex-looking name such as "dead.beef" used to be resolved,
 * through DNS, on the thread reading from Redis).
 */
class HandshakeCodecTest {
    @Test
    void onlyLiteralsAreTakenAsAddresses() {
        for (String literal : List.of("127.0.0.1", "10.200.3.255", "0.0.0.0", "::1", "::ffff:127.0.0.1", "fe80::1")) {
            assertTrue(HandshakeCodec.isLiteral(literal), literal);
        }
        for (String name : List.of("dead.beef", "faded.cd", "add", "1.2.3", "256.1.1.1", "1.2.3.4.5", "01.2.3.4", "[::1]")) {
            assertFalse(HandshakeCodec.isLiteral(name), name);
        }
    }

    @Test
    void aLiteralIsReadAsAnAddressAndANameStaysUnresolved() {
        var literal = HandshakeCodec.read(Map.of("address", "::ffff:10.0.0.7")).address();
        assertEquals("10.0.0.7", literal.getAddress().getHostAddress());
        var name = HandshakeCodec.read(Map.of("address", "dead.beef")).address();
        assertTrue(name.isUnresolved());
        assertEquals("dead.beef", name.getHostString());
    }
}
