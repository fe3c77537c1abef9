package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.Protocol1Options;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket handshakes of protocol 1 on a real server, with an application that echoes
 * messages: malformed ones are answered, and compression, when on, is negotiated and works.
 */
class Sio1WebSocketHandshakeTest {
    /** The example keys of draft-ietf-hybi-thewebsocketprotocol-00, section 1.3, and their answer. */
    private static final String KEY1 = "4 @1  46546xW%0l 1 5";
    private static final String KEY2 = "12998 5 Y3 1  .P00";
    private static final String KEY3 = "^n:ds[4U";
    private static final String CHALLENGE = "8jKS'y:G*Co,Wxa-";

    private HttpServer server;
    private int port;

    private void start(boolean perMessageDeflate) throws Exception {
        Protocol1Options options = Protocol1Options.builder().transports(Set.of("websocket", "xhr-polling")).build();
        Sio1Server sessions = new Sio1Server(new Sio1Settings(options, 1 << 20, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                    if (packet.type() == Sio1Packet.MESSAGE) {
                        s.send(Sio1Packet.of(Sio1Packet.MESSAGE, packet.endpoint(), "echo " + packet.data()).encode());
                    }
                }

                @Override
                public void onClose(Sio1Session s, String reason) {
                }
            });
            session.send("1::");
            verdict.complete(null);
        });
        TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                perMessageDeflate, true, HttpFallback.NONE, null, HttpServerSettings.DEFAULTS,
                new Sio1Http(sessions, "/socket.io/", null, true, AllowRequest.ALL, 100_000));
        server = new HttpServer(config, new EngineServer(EngineOptions.DEFAULT, s -> { }));
        port = server.start("127.0.0.1", 0, 1).getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * Netty's hixie-76 handshaker allocates its 101 before it reads the keys, and lost it when it could
     * not; the connection closed unanswered, and the session stayed for the next try. Each is a 400 now,
     * and the session still takes a good handshake after. (LeakCheck fails this class on a lost buffer.)
     */
    @Test
    void malformedHandshakesAreRefusedWith400AndLeakNothing() throws Exception {
        start(false);
        String sid = handshake();
        String eight = "\r\n" + KEY3;
        String[] malformed = {
            // no space in a key: Netty divided by zero
            hixie(sid, "12345", "1 2", true, "") + eight,
            // digits past a long
            hixie(sid, "1 99999999999999999999", KEY2, true, "") + eight,
            // no digits
            hixie(sid, "a b", KEY2, true, "") + eight,
            // not a multiple of the spaces, or over 32 bits once divided: draft 76 aborts
            hixie(sid, "7  ", KEY2, true, "") + eight,
            hixie(sid, "4294967296 ", KEY2, true, "") + eight,
            // one key without the other
            hixie(sid, KEY1, null, true, "") + eight,
            // no third key
            hixie(sid, KEY1, KEY2, true, "Content-Length: 0\r\n") + "\r\n",
            // no Origin to repeat in the answer
            hixie(sid, KEY1, KEY2, false, "") + eight,
            // RFC 6455 without its key
            "GET /socket.io/1/websocket/" + sid + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n",
        };
        for (int round = 0; round < 5; round++) {
            for (String request : malformed) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(answer.startsWith("HTTP/1.1 400 "), request + "\n=> " + answer);
                }
            }
        }
        // The session is still there, and a well-formed handshake gets it.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((hixie(sid, KEY1, KEY2, true, "") + "\r\n" + KEY3).getBytes(StandardCharsets.ISO_8859_1));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            byte[] challenge = new byte[16];
            in.readFully(challenge);
            assertArrayEquals(CHALLENGE.getBytes(StandardCharsets.ISO_8859_1), challenge);
            assertEquals("1::", readHixieFrame(in));
            out.write(0x00);
            out.write("3:::hi".getBytes(StandardCharsets.UTF_8));
            out.write(0xFF);
            out.flush();
            String frame;
            do {
                frame = readHixieFrame(in);
            } while ("2::".equals(frame));
            assertEquals("3:::echo hi", frame);
        }
    }

    /**
     * With perMessageDeflate on, a browser's WebSocket (which offers permessage-deflate) negotiates it:
     * the server compressed its frames but refused the client's compressed ones (1002) before.
     */
    @Test
    void compressionWhenOnIsNegotiatedAndCarriesMessagesBothWays() throws Exception {
        start(true);
        String sid = handshake();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/1/websocket/" + sid);
            var handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, true,
                    new DefaultHttpHeaders(), 65536);
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new Wire(events), new WebSocketClientCompressionHandler(65536),
                                    new WebSocketClientProtocolHandler(handshaker, false), new Messages(events));
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            assertEquals("101 extensions: permessage-deflate", poll(events));
            assertEquals("frame rsv1", poll(events), "the server's frames are compressed");
            assertEquals("text 1::", poll(events));
            client.writeAndFlush(new TextWebSocketFrame("3:::héllo"));
            assertEquals("frame rsv1", poll(events));
            assertEquals("text 3:::echo héllo", poll(events));
            client.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private static String poll(BlockingQueue<String> events) throws InterruptedException {
        String event = events.poll(10, TimeUnit.SECONDS);
        assertTrue(event != null, "nothing within 10 s");
        return event;
    }

    /** What the client reads before the extension's decoder: the 101's extensions, and each frame's RSV1. */
    private static final class Wire extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<String> events;

        Wire(BlockingQueue<String> events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpResponse response) {
                events.add(response.status().code() + " extensions: "
                        + response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
            } else if (msg instanceof WebSocketFrame frame) {
                events.add((frame.rsv() & WebSocketExtension.RSV1) != 0 ? "frame rsv1" : "frame plain");
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** The messages and the close the client reads, decompressed. */
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
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("closed");
        }
    }

    /** A hixie-76 upgrade's head, without its final empty line. */
    private String hixie(String sid, String key1, String key2, boolean origin, String extra) {
        return "GET /socket.io/1/websocket/" + sid + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Connection: Upgrade\r\nUpgrade: WebSocket\r\n"
                + (origin ? "Origin: http://127.0.0.1:" + port + "\r\n" : "")
                + (key1 != null ? "Sec-WebSocket-Key1: " + key1 + "\r\n" : "")
                + (key2 != null ? "Sec-WebSocket-Key2: " + key2 + "\r\n" : "")
                + extra;
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

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "closed in the head: " + head.toString(StandardCharsets.ISO_8859_1));
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readHixieFrame(InputStream in) throws Exception {
        assertEquals(0x00, in.read());
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != 0xFF) {
            assertTrue(b >= 0, "connection closed inside a frame");
            frame.write(b);
        }
        return frame.toString(StandardCharsets.UTF_8);
    }
}
