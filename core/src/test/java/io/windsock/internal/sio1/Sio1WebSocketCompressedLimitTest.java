package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.Protocol1Options;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * maxHttpBufferSize bounds a 0.9 WebSocket message by its inflated size exactly, whether it comes in
 * one compressed frame (the inflater's own bound is a little over the limit) or in fragments, and one
 * over it is refused with close 1009, as on Engine.IO's WebSocket, never delivered.
 */
class Sio1WebSocketCompressedLimitTest {
    private static final int LIMIT = 100_000;

    private HttpServer server;
    private int port;
    private EventLoopGroup group;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        Protocol1Options options = Protocol1Options.builder().transports(Set.of("websocket", "xhr-polling")).build();
        Sio1Server sessions = new Sio1Server(new Sio1Settings(options, 1 << 20, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                    if (packet.type() == Sio1Packet.MESSAGE) {
                        s.send(Sio1Packet.of(Sio1Packet.MESSAGE, packet.endpoint(), "got " + packet.data().length())
                                .encode());
                    }
                }

                @Override
                public void onClose(Sio1Session s, String reason) {
                }
            });
            session.send("1::");
            verdict.complete(null);
        });
        // As the server builds it: the engine's limit bounds both the inflater and the 0.9 messages.
        EngineOptions engine = EngineOptions.DEFAULT.toBuilder().maxHttpBufferSize(LIMIT).build();
        TransportConfig config = new TransportConfig("/socket.io/", engine, null, AllowRequest.ALL, true, true,
                HttpFallback.NONE, null, HttpServerSettings.DEFAULTS,
                new Sio1Http(sessions, "/socket.io/", null, true, AllowRequest.ALL, LIMIT));
        server = new HttpServer(config, new EngineServer(engine, s -> { }));
        port = server.start("127.0.0.1", 0, 1).getPort();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        server.stop();
    }

    @Test
    void aCompressedMessageOfTheLimitIsDelivered() throws Exception {
        Channel client = connect();
        client.writeAndFlush(new TextWebSocketFrame(message(LIMIT)));
        assertEquals("text 3:::got " + (LIMIT - 4), next());
        client.writeAndFlush(new TextWebSocketFrame(message(10)));
        assertEquals("text 3:::got 6", next(), "the connection goes on");
    }

    /** Within the inflater's bound: the inflated frame reaches the 0.9 transport, which refuses it. */
    @Test
    void aCompressedMessageJustOverTheLimitIsRefusedWith1009() throws Exception {
        Channel client = connect();
        client.write(new TextWebSocketFrame(message(LIMIT + 1)));
        client.writeAndFlush(new TextWebSocketFrame(message(10))); // read after it: not delivered either
        assertEquals("close 1009", next());
        assertEquals("closed", next());
    }

    /** Past the inflater's bound: the inflater gives up, and it is answered alike. */
    @Test
    void aCompressedMessageFarOverTheLimitIsRefusedWith1009() throws Exception {
        Channel client = connect();
        client.writeAndFlush(new TextWebSocketFrame(message(LIMIT + 50_000)));
        assertEquals("close 1009", next());
        assertEquals("closed", next());
    }

    @Test
    void aMessageInFragmentsOverTheLimitIsRefusedWith1009() throws Exception {
        Channel client = connect();
        client.write(new TextWebSocketFrame(false, 0, message(LIMIT / 2)));
        client.writeAndFlush(new ContinuationWebSocketFrame(true, 0, "b".repeat(LIMIT / 2 + 1)));
        assertEquals("close 1009", next());
        assertEquals("closed", next());
    }

    /** A 0.9 message packet of {@code bytes} bytes in all. */
    private static String message(int bytes) {
        return "3:::" + "a".repeat(bytes - 4);
    }

    /** The next thing the client read, heartbeats aside. */
    private String next() throws InterruptedException {
        String event;
        do {
            event = events.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null, "nothing within 10 s");
        } while (event.equals("text 2::"));
        return event;
    }

    /** A WebSocket of a new session that negotiated permessage-deflate, its {@code 1::} read. */
    private Channel connect() throws Exception {
        String sid = handshake();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/1/websocket/" + sid);
        var handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, true,
                new DefaultHttpHeaders(), 1 << 20);
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientCompressionHandler(1 << 20),
                                new WebSocketClientProtocolHandler(handshaker, false), new Messages(events));
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        assertEquals("handshake complete", next());
        assertEquals("text 1::", next());
        return client;
    }

    private String handshake() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /socket.io/1/?t=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            return body.substring(0, body.indexOf(':'));
        }
    }

    /** What the client reads, inflated: messages, the close frame's status, the end of the connection. */
    private static final class Messages extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final BlockingQueue<String> events;

        Messages(BlockingQueue<String> events) {
            this.events = events;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                events.add("text " + text.text());
            } else if (frame instanceof CloseWebSocketFrame close) {
                events.add("close " + close.statusCode());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                events.add("handshake complete");
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("closed");
        }
    }
}
