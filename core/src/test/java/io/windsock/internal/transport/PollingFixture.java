package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Long-polling requests through the routing handler in {@link EmbeddedChannel}s, one per HTTP connection,
 * all on the test thread. The engine's sessions record the messages they read and why they closed; a
 * message starting with "pause" suspends the session's reading, as the layer above does when its queue is
 * over its mark. One per test; {@link #close()} shuts the engine down and releases the connections.
 */
final class PollingFixture implements AutoCloseable {
    static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<String> closes = new CopyOnWriteArrayList<>();
    final EngineServer engine = new EngineServer(EngineOptions.DEFAULT, session ->
            session.setHandler(new EngineSession.Handler() {
                @Override
                public void onMessage(EngineSession s, String text) {
                    messages.add(text);
                    if (text.startsWith("pause")) {
                        s.suspendReading();
                    }
                }

                @Override
                public void onBinary(EngineSession s, byte[] data) {
                }

                @Override
                public void onClose(EngineSession s, String reason) {
                    closes.add(reason);
                }
            }));
    private final TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null,
            AllowRequest.ALL, false, false, HttpFallback.NONE);
    private final List<EmbeddedChannel> connections = new ArrayList<>();
    private final Function<ChannelHandler, EmbeddedChannel> newConnection;

    /** Connections with the routing handler alone. */
    PollingFixture() {
        this(handler -> new EmbeddedChannel(handler));
    }

    /** @param newConnection makes a connection around the routing handler it is given */
    PollingFixture(Function<ChannelHandler, EmbeddedChannel> newConnection) {
        this.newConnection = newConnection;
    }

    /** A new connection, released by {@link #close()}. */
    EmbeddedChannel connection() {
        EmbeddedChannel channel = newConnection.apply(new EngineHttpHandler(config, engine));
        connections.add(channel);
        return channel;
    }

    /** Opens a session on a connection of its own and returns its id. */
    String handshake() {
        EmbeddedChannel connection = connection();
        connection.writeInbound(get(POLLING));
        Reply open = take(connection);
        assertEquals(200, open.status());
        assertTrue(open.body().startsWith("0{\"sid\":\""), open.body());
        return open.body().substring(9, open.body().indexOf('"', 9));
    }

    static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    }

    static FullHttpRequest post(String uri, String body) {
        return post(uri, body, "text/plain;charset=UTF-8");
    }

    static FullHttpRequest post(String uri, String body, String contentType) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.wrappedBuffer(bytes));
        request.headers().set("Content-Type", contentType).setInt("Content-Length", bytes.length);
        return request;
    }

    record Reply(int status, String body) {
    }

    /** Runs what each connection's event loop has queued (a session lives on its handshake connection's loop). */
    void runAllTasks() {
        connections.forEach(EmbeddedChannel::runPendingTasks);
    }

    /** Runs the queued tasks, then reads and releases the connection's response. */
    Reply take(EmbeddedChannel connection) {
        runAllTasks();
        FullHttpResponse response = connection.readOutbound();
        assertNotNull(response, "no response");
        try {
            return new Reply(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    @Override
    public void close() {
        engine.shutdown();
        connections.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
}
