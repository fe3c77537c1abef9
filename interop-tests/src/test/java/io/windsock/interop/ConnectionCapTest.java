package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.Transport;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris against the connection cap: 200 connections trickling headers at a server capped at 100.
 * Past the cap new connections are closed at once (no file descriptors run out), a client connected
 * before keeps working, and once the headers timeout frees the slots a new client connects.
 */
class ConnectionCapTest {
    private static final int CAP = 100;
    private static final int SLOW = 200;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(3);
    /** Closed by the server without a response. */
    private static final int CLOSED = -1;
    private static final byte[] ENDLESS_HEADERS = ("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "X-Slow: " + "a".repeat(5000)).getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    final Interop interop = new Interop();

    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService readers = Executors.newFixedThreadPool(16);
    private final List<RawHttp> slow = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        trickle.shutdownNow();
        readers.shutdownNow();
        slow.forEach(RawHttp::close);
    }

    @Test
    void pastTheCapNewConnectionsAreRefusedAndServiceComesBackAfterTheTimeouts() throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2).maxConnections(CAP)
                .headersTimeout(HEADERS_TIMEOUT).requestTimeout(HEADERS_TIMEOUT.multipliedBy(2)));
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
        ClientSocket before = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        before.expectConnect();  // one connection of the cap, held for the whole test

        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            RawHttp raw = RawHttp.connect(server.port());
            slow.add(raw);
            answers.add(CompletableFuture.supplyAsync(() -> statusOrClosed(raw), readers));
        }
        trickleAll();

        // While they trickle, a new client is refused at once, and the client from before is served.
        assertEquals(CLOSED, handshakeStatus(server.port()));
        assertEquals("[\"still served\"]", before.emitWithAck("echo", "still served").args().toString());

        int timedOut = 0;
        int refused = 0;
        for (CompletableFuture<Integer> answer : answers) {
            int status = answer.get(30, TimeUnit.SECONDS);
            if (status == 408) {
                timedOut++;
            } else if (status == CLOSED) {
                refused++;
            } else {
                throw new AssertionError("unexpected answer to a trickling connection: " + status);
            }
        }
        assertEquals(CAP - 1, timedOut, "every admitted trickling connection ends with 408");
        assertEquals(SLOW - CAP + 1, refused, "every connection past the cap is closed at once");

        // The slots are free again. The server counts a slot free once its side of the close is done, which
        // may come just after the client read the 408: a few handshakes may still be refused.
        int tries = 0;
        while (handshakeStatus(server.port()) != 200) {
            assertTrue(++tries < 50, "no handshake served after the trickling connections timed out");
        }
        ClientSocket after = interop.client().connect(interop.url(server, "/"), Transport.POLLING.clientOptions());
        after.expectConnect();
        assertEquals("[\"back\"]", after.emitWithAck("echo", "back").args().toString());
    }

    private void trickleAll() {
        int[] next = {0};
        trickle.scheduleAtFixedRate(() -> {
            int i = next[0]++;
            if (i >= ENDLESS_HEADERS.length) {
                throw new IllegalStateException("done");
            }
            for (RawHttp raw : slow) {
                raw.write(new byte[] {ENDLESS_HEADERS[i]});
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    private static int handshakeStatus(int port) {
        try (RawHttp fresh = RawHttp.connect(port)) {
            fresh.send("GET", "/socket.io/?EIO=4&transport=polling", null);
            return statusOrClosed(fresh);
        }
    }

    /** @return the status of the first response on the connection, or {@link #CLOSED}. */
    private static int statusOrClosed(RawHttp raw) {
        try {
            return raw.read().status();
        } catch (AssertionError | UncheckedIOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("no response within")) {
                throw e;
            }
            return CLOSED;
        }
    }
}
