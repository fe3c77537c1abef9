package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket transport's pacing on a real socket (the other tests hold writes in a handler): batches
 * the socket takes at once follow each other in order, and one it takes only part of stays on its way,
 * the packets queued meanwhile held by the session rather than Netty's buffer, until the client has
 * read it. Real server on two event loops, a raw client socket.
 */
class WebSocketSocketWritesTest {
    private static final String UPGRADE = "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    /** Far more than a loopback socket's buffers take with a client that reads nothing. */
    private static final int BIG = 8 << 20;

    private final LinkedBlockingQueue<EngineSession> sessions = new LinkedBlockingQueue<>();
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        EngineOptions engine = EngineOptions.builder().maxPendingOutboundBytes(64L << 20).build();
        TransportConfig config = new TransportConfig("/engine.io/", engine, null, AllowRequest.ALL, false, false,
                HttpFallback.NONE, null);
        server = new HttpServer(config, new EngineServer(engine, sessions::add));
        port = server.start("127.0.0.1", 0, 2).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void batchesTheSocketTakesAtOnceFollowEachOtherInOrder() throws Exception {
        try (Socket client = connect(0)) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            EngineSession session = openSession(client, in);
            int count = 2_000;
            for (int i = 0; i < count; i++) {
                assertTrue(session.send(EnginePacket.message("2[\"n\"," + i + "]")));
                if (i % 100 == 0) {
                    session.send(EnginePacket.sharedMessage("2[\"shared\"," + i + "]"));
                }
            }
            for (int i = 0; i < count; i++) {
                assertEquals("42[\"n\"," + i + "]", readText(in));
                if (i % 100 == 0) {
                    assertEquals("42[\"shared\"," + i + "]", readText(in));
                }
            }
            awaitOnLoop(session, () -> session.transport().isWritable(), "the last batch reported written");
        }
    }

    @Test
    void aBatchTheSocketTakesOnlyPartOfStaysOnItsWayUntilTheClientReadsIt() throws Exception {
        try (Socket client = connect(16 * 1024)) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            EngineSession session = openSession(client, in);
            String big = "2[\"big\",\"" + "x".repeat(BIG) + "\"]";
            assertTrue(session.send(EnginePacket.sharedMessage(big)));
            awaitOnLoop(session, () -> session.transport().pendingBytes() > 0, "the socket full, Netty holding the rest");
            long held = onLoop(session, () -> session.transport().pendingBytes());
            assertTrue(session.send(EnginePacket.message("2[\"after\"]")));
            // Two loop turns later (a report queued in the first would have run by the second): still on its way.
            onLoop(session, () -> 0);
            assertFalse(onLoop(session, () -> session.transport().isWritable()), "the batch is still on its way");
            assertFalse(session.isWritableNow(), "volatile packets are dropped meanwhile");
            assertTrue(onLoop(session, () -> session.transport().pendingBytes()) <= held,
                    "the packet queued meanwhile waits in the session, not in Netty's buffer");

            assertEquals(big.length() + 1, readText(in).length(), "the big one, whole");
            assertEquals("42[\"after\"]", readText(in), "then the one queued behind it");
            awaitOnLoop(session, () -> session.transport().isWritable(), "reported once written");
        }
    }

    private Socket connect(int receiveBuffer) throws IOException {
        Socket client = new Socket();
        if (receiveBuffer > 0) {
            client.setReceiveBufferSize(receiveBuffer); // before connecting: the window is agreed then
        }
        client.connect(new InetSocketAddress("127.0.0.1", port));
        client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
        return client;
    }

    private EngineSession openSession(Socket client, DataInputStream in) throws Exception {
        client.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        assertTrue(readText(in).startsWith("0{"), "OPEN");
        EngineSession session = sessions.poll(10, TimeUnit.SECONDS);
        assertNotNull(session, "no session");
        return session;
    }

    private static <T> T onLoop(EngineSession session, Supplier<T> question) throws Exception {
        CompletableFuture<T> answer = new CompletableFuture<>();
        session.scheduler().execute(() -> answer.complete(question.get()));
        return answer.get(10, TimeUnit.SECONDS);
    }

    private static void awaitOnLoop(EngineSession session, Supplier<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!onLoop(session, condition)) {
            assertTrue(System.nanoTime() < deadline, "never: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** The next server frame, an unfragmented text frame. */
    private static String readText(DataInputStream in) throws IOException {
        assertEquals(0x81, in.readUnsignedByte(), "a final text frame");
        long length = in.readUnsignedByte();
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }
}
