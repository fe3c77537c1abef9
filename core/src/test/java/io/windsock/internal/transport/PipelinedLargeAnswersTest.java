package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelined requests for large answers (a served file), all in one read, from a client that does not
 * read them: reading stops, but the requests read already are still answered, so the answers waiting
 * unread are bounded as any client's are (maxPendingOutboundBytes): past it the connection closes
 * (before, every request of the read was answered into the write buffer: over TLS an encrypted copy
 * each, hundreds of megabytes for one connection).
 */
class PipelinedLargeAnswersTest {
    private static final byte[] REQUEST = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int REQUESTS = 200;
    /** Each answer is far over the write buffer's high-water mark (64 KB). */
    private static final byte[] BIG = new byte[1 << 20];
    private static final long MAX_PENDING = 8L << 20;

    private final AtomicLong answered = new AtomicLong();
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        HttpFallback big = (ctx, request) -> {
            answered.incrementAndGet();
            FullHttpResponse response = HttpResponses.newResponse(HttpResponseStatus.OK, Unpooled.wrappedBuffer(BIG));
            HttpResponses.send(ctx, true, response);
            return true;
        };
        EngineOptions engine = EngineOptions.builder().maxPendingOutboundBytes(MAX_PENDING).build();
        TransportConfig config = new TransportConfig("/engine.io/", engine, null, AllowRequest.ALL, false, false, big, null);
        server = new HttpServer(config, new EngineServer(engine, s -> { }));
        port = server.start("127.0.0.1", 0, 2).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void answersPilingUpUnreadPastTheBoundCloseTheConnection() throws Exception {
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(16 * 1024);
            client.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(20));
            OutputStream out = client.getOutputStream();
            out.write(new String(REQUEST, StandardCharsets.US_ASCII).repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII));
            out.flush(); // 6 KB: one read on the server's side
            long settled = Settling.settled(answered, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            assertTrue(settled < REQUESTS / 4, "answered " + settled + " of " + REQUESTS + " requests nobody reads");
            // The connection was closed: what the kernel holds is read, then the end (not a wait for more).
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[65536];
            long read = 0;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    read += n;
                }
            } catch (SocketException reset) {
                // closed with bytes unread on its side: a reset is an end too
            } catch (SocketTimeoutException open) {
                throw new AssertionError("the connection stayed open after " + read + " bytes", open);
            }
            assertTrue(read < (long) REQUESTS * BIG.length, "not every answer was sent");
        }
    }
}
