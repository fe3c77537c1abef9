package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that pipelines requests and never reads the answers: the server stops reading it once
 * its responses pile up (as Node's HTTP server pauses the socket), instead of answering every request
 * into its write buffer; and reads again once the client takes them.
 */
class PipelinedResponsesTest {
    private static final byte[] REQUEST = "GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Far more answers than the kernel's buffers and the write buffer's high-water mark hold together. */
    private static final long TOO_MANY = 200_000;

    private final AtomicLong handled = new AtomicLong();
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        HttpFallback counting = (ctx, request) -> {
            handled.incrementAndGet();
            return false; // answered 404 by the server
        };
        TransportConfig config = new TransportConfig("/engine.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, counting, null);
        server = new HttpServer(config, new EngineServer(EngineOptions.DEFAULT, s -> { }));
        port = server.start("127.0.0.1", 0, 2).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void requestsWhoseAnswersAreNotReadStopBeingReadAndResumeWhenTheyAre() throws Exception {
        ByteBuffer many = ByteBuffer.wrap(new String(REQUEST, StandardCharsets.US_ASCII).repeat(1000)
                .getBytes(StandardCharsets.US_ASCII));
        try (SocketChannel client = SocketChannel.open()) {
            // Small kernel buffers on the client's side, so that the stall comes soon.
            client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            client.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            client.connect(new InetSocketAddress("127.0.0.1", port));
            client.configureBlocking(false);
            long written = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long stoppedAt;
            while (true) {
                written += writeUntilStalled(client, many, deadline);
                // Stalled: either the server stopped reading, or (on a loaded machine) it fell behind. Once
                // its count stops moving, a server that stopped leaves requests unread in the kernel.
                stoppedAt = Settling.settled(handled, deadline);
                if (stoppedAt < written / REQUEST.length) {
                    break;
                }
            }
            // And it stays stopped: nothing more is answered while nobody reads.
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < waitUntil) {
                assertEquals(stoppedAt, handled.get(), "answered on, though none of the answers is read");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertTrue(handled.get() > 0);

            // The client reads its answers: the server reads the rest and answers every whole request.
            long requests = written / REQUEST.length;
            many.limit((int) (many.position() + (REQUEST.length - written % REQUEST.length) % REQUEST.length));
            client.configureBlocking(true); // before the reader: its stream refuses a non-blocking channel
            Thread reader = new Thread(() -> drain(client));
            reader.setDaemon(true);
            reader.start();
            while (many.hasRemaining()) {
                client.write(many);
            }
            requests += written % REQUEST.length == 0 ? 0 : 1;
            while (handled.get() < requests) {
                assertTrue(System.nanoTime() < deadline, "answered " + handled + " of " + requests);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertEquals(requests, handled.get());
        }
    }

    /** Writes until the writes go nowhere for a second. @return the bytes written */
    private long writeUntilStalled(SocketChannel client, ByteBuffer many, long deadline) throws Exception {
        long written = 0;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(1)) {
            assertTrue(handled.get() < TOO_MANY, "the server answered " + handled + " requests nobody reads");
            assertTrue(System.nanoTime() < deadline, "never stalled");
            if (!many.hasRemaining()) {
                many.rewind();
            }
            int n = client.write(many);
            written += n;
            if (n > 0) {
                lastProgress = System.nanoTime();
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        return written;
    }

    private static void drain(SocketChannel client) {
        try (InputStream in = Channels.newInputStream(client)) {
            byte[] buffer = new byte[65536];
            while (in.read(buffer) >= 0) {
                // the answers are read and dropped
            }
        } catch (Exception e) {
            // the test closed the connection
        }
    }
}
