package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.CapturedStderr;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client-chosen names with CR/LF reach the default error hook's WARN lines: each stays one line,
 * escaped and cut. (slf4j-simple writes to System.err, looked up at each line.)
 */
class LogInjectionTest {
    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    public static final class Chat extends SocketConnection {
        @Event
        public void hello() {
        }
    }

    @Test
    void anEventNameWithCrLfMakesOneEscapedWarnLine() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        Connections.serve(layer.server.of("/"), Chat::new);
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take();
        String name = "x\r\nWARN FAKE admin logged in" + "y".repeat(500_000);
        client.send("2[\"" + name.replace("\r", "\\r").replace("\n", "\\n") + "\"]");

        List<String> lines = stderr.lines();
        assertEquals(1, lines.size(), lines::toString);
        String line = lines.get(0);
        assertTrue(line.contains("WARN") && line.contains("bad event 'x\\r\\nWARN FAKE admin logged in"), line);
        assertTrue(line.contains(" WARN io.windsock.errors - "), "under the default handler's stable logger: " + line);
        assertTrue(line.contains("…(500028 chars)"), line);
        assertTrue(line.length() < 2_000, "line of " + line.length() + " chars");
    }

    @Test
    void aNamespaceWithCrLfMakesOneEscapedWarnLine() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        layer.server.of("/");
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take();
        client.send("2/evil\r\nWARN FAKE line,[\"x\"]"); // a namespace not joined: invalid state, closed

        List<String> lines = stderr.lines();
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("for namespace /evil\\r\\nWARN FAKE line from client"), lines.get(0));
    }
}
