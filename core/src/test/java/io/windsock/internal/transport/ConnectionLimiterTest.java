package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.windsock.testing.CapturedStderr;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** (slf4j-simple writes to System.err, looked up at each line.) */
class ConnectionLimiterTest {
    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    /** Refusals are logged under their documented name, {@code io.windsock.transport}, not a class's. */
    @Test
    void aConnectionPastTheCapIsRefusedAndLoggedUnderIoWindsockTransport() {
        ConnectionLimiter limiter = new ConnectionLimiter(1);
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        try {
            assertTrue(limiter.admit(first));
            assertFalse(limiter.admit(second));
            List<String> lines = stderr.lines();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).contains(" WARN io.windsock.transport - Refused 1 connection(s) at the cap of"
                    + " maxConnections=1 (1 open)"), lines.get(0));
        } finally {
            first.finishAndReleaseAll();
            second.finishAndReleaseAll();
        }
    }
}
