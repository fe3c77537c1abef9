package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A start that cannot bind its port throws an unchecked exception naming the port, and leaves
 * nothing behind: no listening socket, no network thread keeping the JVM alive, and the server
 * stopped for good. Netty rethrows the bind failure as the checked {@link BindException}, undeclared.
 */
class StartFailureTest {
    private static final String HOST = "127.0.0.1";

    @Test
    void aPortInUseFailsTheStartAndLeavesNoThreadAndNoListener() throws Exception {
        Set<Thread> before = windsockThreads();
        int port;
        Windsock server;
        try (ServerSocket taken = occupy(0)) {
            port = taken.getLocalPort();
            server = Windsock.builder().options(WindsockOptions.builder().host(HOST).port(port).build()).build();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, server::start);
            assertInstanceOf(BindException.class, e.getCause());
            assertTrue(e.getMessage().contains(HOST + ":" + port), e.getMessage());
            assertEquals(-1, server.port());
            awaitNoNewNonDaemonThreads(before);
        }
        assertRefused(port);
        IllegalStateException again = assertThrows(IllegalStateException.class, server::start);
        assertTrue(again.getMessage().contains("stopped"), again.getMessage());
        server.stop(); // idempotent after a failed start
    }

    @Test
    void aFlashPolicyPortInUseFailsTheStartAndReleasesTheMainPort() throws Exception {
        Set<Thread> before = windsockThreads();
        int mainPort = freePort();
        try (ServerSocket taken = occupy(0)) {
            int policyPort = taken.getLocalPort();
            Windsock server = Windsock.builder().options(WindsockOptions.builder().host(HOST).port(mainPort)
                    .protocol1(Protocol1Options.builder().transports(Set.of("websocket", "flashsocket"))
                            .flashPolicyPort(policyPort).build())
                    .build()).build();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, server::start);
            assertInstanceOf(BindException.class, e.getCause());
            assertTrue(e.getMessage().contains(HOST + ":" + policyPort), e.getMessage());
            awaitNoNewNonDaemonThreads(before);
            assertRefused(mainPort); // it was bound before the policy port failed
            server.stop();
        }
    }

    @Test
    void aRawEngineIoServerReleasesEverythingToo() throws Exception {
        Set<Thread> before = windsockThreads();
        try (ServerSocket taken = occupy(0)) {
            int port = taken.getLocalPort();
            EngineIoServer server = new EngineIoServer(WindsockOptions.builder().host(HOST).port(port)
                    .path("/engine.io/").build(), new NoListener());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, server::start);
            assertTrue(e.getMessage().contains(HOST + ":" + port), e.getMessage());
            assertEquals(-1, server.port());
            awaitNoNewNonDaemonThreads(before);
            assertThrows(IllegalStateException.class, server::start);
            server.stop();
        }
    }

    private static ServerSocket occupy(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        return socket;
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = occupy(0)) {
            return free.getLocalPort();
        }
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 5000);
            }
        }, "something still listens on " + port);
    }

    private static Set<Thread> windsockThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("windsock-")).collect(Collectors.toSet());
    }

    /** Threads of other tests' servers may still be ending: only threads this test started count. */
    private static void awaitNoNewNonDaemonThreads(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> left = windsockThreads().stream()
                    .filter(t -> !before.contains(t) && !t.isDaemon() && t.isAlive())
                    .map(Thread::getName).sorted().collect(Collectors.toList());
            if (left.isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "threads still alive: " + left);
            Thread.sleep(10); // polling the thread list, which has no event to wait on
        }
    }

    private static final class NoListener implements EngineIoServer.Listener {
        @Override
        public void onOpen(EngineIoServer.Connection connection) {
        }

        @Override
        public void onMessage(EngineIoServer.Connection connection, String text) {
        }

        @Override
        public void onBinary(EngineIoServer.Connection connection, byte[] data) {
        }

        @Override
        public void onClose(EngineIoServer.Connection connection, String reason) {
        }
    }
}
