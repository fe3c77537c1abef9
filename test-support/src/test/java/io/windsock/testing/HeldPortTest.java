package io.windsock.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class HeldPortTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aHeldPortRefusesConnectionsAsIfNothingWereThere() {
        try (HeldPort held = HeldPort.hold()) {
            assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, held.port()).close());
        }
    }

    /** A port probed and let go was taken in about 3 % of such rounds (200 binds each). */
    @Test
    void noBindToPortZeroIsGivenAHeldPort() throws IOException {
        try (HeldPort held = HeldPort.hold()) {
            for (int i = 0; i < 2_000; i++) {
                try (ServerSocket other = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket()) {
                    client.bind(new InetSocketAddress(LOOPBACK, 0));
                    assertNotEquals(held.port(), other.getLocalPort());
                    assertNotEquals(held.port(), client.getLocalPort());
                }
            }
        }
    }

    /** A server comes and goes on the port, as Redis in a restart test; the hold refuses in between. */
    @Test
    void aServerBindsTheHeldPortAgainAndAgain() throws IOException {
        try (HeldPort held = HeldPort.hold()) {
            for (int round = 0; round < 3; round++) {
                held.beforeBind();
                try (ServerSocket server = new ServerSocket(held.port(), 50, LOOPBACK);
                     Socket client = new Socket(LOOPBACK, held.port());
                     Socket accepted = server.accept()) {
                    client.getOutputStream().write(round);
                    assertEquals(round, accepted.getInputStream().read());
                }
                if (listenerBindsBesideAHold()) {
                    assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, held.port()).close());
                }
            }
        }
    }

    /** Linux: the hold outlives the server (elsewhere beforeBind() let it go). */
    private static boolean listenerBindsBesideAHold() {
        try (HeldPort probe = HeldPort.hold(); ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(LOOPBACK, probe.port()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
