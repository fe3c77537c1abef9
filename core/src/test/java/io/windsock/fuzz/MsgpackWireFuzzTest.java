package io.windsock.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.windsock.Windsock;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.MsgpackPacketCodec;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.Parser;
import io.windsock.testing.CapturedStderr;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WireFuzzTest}'s invariants for a server on {@link Parser#MSGPACK}: seeded MessagePack messages and
 * mutations of them ({@link MsgpackMutator}), with a text message now and then (which such a server
 * refuses), over WebSocket and long-polling, Engine.IO v4 and v3. The neighbour speaks MessagePack.
 */
class MsgpackWireFuzzTest {
    private static final int SESSIONS = Integer.getInteger("windsock.fuzz.sessions", 40);
    private static final long SEED = Long.getLong("windsock.fuzz.seed", 17);
    private static final int MESSAGES_PER_SESSION = 15;
    private static final MsgpackPacketCodec CODEC = new MsgpackPacketCodec(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);

    enum Target { V4_WEBSOCKET, V4_POLLING, V3_WEBSOCKET, V3_POLLING }

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Queue<Throwable> serverErrors = new ConcurrentLinkedQueue<>();
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void theServerStaysWholeUnderMutatedInput(Target target) throws Exception {
        server = WireFuzzTest.start(Parser.MSGPACK, serverErrors);
        Neighbour neighbour = new Neighbour(http, server.port());
        MsgpackMutator mutator = new MsgpackMutator(target.ordinal() * 7919L + SEED);
        WireMutator texts = new WireMutator(target.ordinal() * 104_729L + SEED);
        List<FuzzSession> sessions = new ArrayList<>();
        int sent = 0;
        for (int s = 0; s < SESSIONS; s++) {
            FuzzSession session = open(target, mutator, texts);
            sessions.add(session);
            int messages = 1 + mutator.below(MESSAGES_PER_SESSION);
            for (int m = 0; m < messages && session.sendNext(); m++) {
                sent++;
            }
        }

        neighbour.emit(SocketPacket.NO_ID, "join", "lobby");
        neighbour.emit(99, "echo", "still here");
        assertEquals(SocketPacket.ack("/", 99, List.of("still here")), neighbour.nextAck());
        for (FuzzSession session : sessions) {
            session.close();
        }
        WireFuzzTest.assertNothingLeft(server);
        neighbour.close();

        System.out.printf("MessagePack %s, seed %d: %d messages over %d sessions, %d clients' errors reported%n",
                target, SEED, sent, SESSIONS, serverErrors.size());
        WireFuzzTest.assertOnlyClientsErrors(serverErrors, stderr);
    }

    /** @return a session of the target's kind, "/" and "/chat" joined, that sends mutated messages */
    private FuzzSession open(Target target, MsgpackMutator mutator, WireMutator texts) throws Exception {
        boolean v3 = target == Target.V3_WEBSOCKET || target == Target.V3_POLLING;
        String query = "?EIO=" + (v3 ? 3 : 4) + "&transport=";
        MessageSink sink;
        if (target == Target.V4_WEBSOCKET || target == Target.V3_WEBSOCKET) {
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port()
                    + "/socket.io/" + query + "websocket"), new DrainingListener()).get(10, TimeUnit.SECONDS);
            sink = message -> sent(message instanceof String text ? ws.sendText(text, true)
                    : ws.sendBinary(ByteBuffer.wrap(v3 ? engineMessage((byte[]) message) : (byte[]) message), true), ws);
        } else {
            String base = "http://127.0.0.1:" + server.port() + "/socket.io/" + query + "polling";
            String handshake = get(base);
            int at = handshake.indexOf("\"sid\":\"") + 7;
            URI post = URI.create(base + "&sid=" + handshake.substring(at, handshake.indexOf('"', at)));
            sink = message -> post(post, v3 ? v3Payload(message) : v4Payload(message));
        }
        if (!v3) {
            sink.send(mutator.connect("/")); // Engine.IO v3 joins "/" with the handshake
        }
        sink.send(mutator.connect("/chat"));
        return new FuzzSession() {
            @Override
            public boolean sendNext() throws Exception {
                return sink.send(mutator.oneIn(8) ? texts.next(WireMutator.V4) : mutator.next());
            }

            @Override
            public boolean sendRaw(String message) throws Exception {
                return sink.send(message);
            }
        };
    }

    @FunctionalInterface
    private interface MessageSink {
        /**
         * @param message an Engine.IO message as text (its type first: such a server refuses a Socket.IO packet
         *     in it), or a MessagePack message; @return whether the session took it
         */
        boolean send(Object message) throws Exception;
    }

    /** Engine.IO v3's binary WebSocket frame: the message type, 4, then the bytes. */
    private static byte[] engineMessage(byte[] message) {
        byte[] frame = new byte[message.length + 1];
        frame[0] = 4;
        System.arraycopy(message, 0, frame, 1, message.length);
        return frame;
    }

    private static String v4Payload(Object message) {
        return message instanceof String text ? text : "b" + Base64.getEncoder().encodeToString((byte[]) message);
    }

    private static String v3Payload(Object message) {
        String packet = message instanceof String text ? text : "b4" + Base64.getEncoder().encodeToString((byte[]) message);
        return packet.length() + ":" + packet;
    }

    private static boolean sent(CompletableFuture<WebSocket> send, WebSocket ws) {
        try {
            send.get(10, TimeUnit.SECONDS);
            return !ws.isInputClosed();
        } catch (Exception e) { // closed by the server
            ws.abort();
            return false;
        }
    }

    private String get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private boolean post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    }

    /** A well-behaved MessagePack client of "/" over WebSocket, Engine.IO v4: answers pings, keeps the acks. */
    private static final class Neighbour extends DrainingListener {
        private final BlockingQueue<SocketPacket> acks = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> joined = new CompletableFuture<>();
        private final ByteBuffer partial = ByteBuffer.allocate(1 << 20);
        private final WebSocket ws;
        private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

        Neighbour(HttpClient http, int port) throws Exception {
            ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port
                    + "/socket.io/?EIO=4&transport=websocket"), this).get(10, TimeUnit.SECONDS);
            joined.get(10, TimeUnit.SECONDS);
        }

        void emit(long id, Object... nameAndArgs) throws Exception {
            byte[] message = CODEC.encode(SocketPacket.event("/", List.of(nameAndArgs), id));
            afterLastSend(ws, w -> w.sendBinary(ByteBuffer.wrap(message), true)).get(10, TimeUnit.SECONDS);
        }

        SocketPacket nextAck() throws InterruptedException {
            SocketPacket ack = acks.poll(WireFuzzTest.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(ack, "the neighbour's ack");
            return ack;
        }

        void close() throws Exception {
            afterLastSend(ws, w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "")).get(10, TimeUnit.SECONDS);
        }

        /** The JDK's client refuses a send while one is pending: each waits for the one before. */
        private synchronized CompletableFuture<WebSocket> afterLastSend(WebSocket target,
                Function<WebSocket, CompletableFuture<WebSocket>> send) {
            lastSend = lastSend.handle((done, failed) -> target).thenCompose(send);
            return lastSend;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (data.toString().startsWith("0{")) {
                byte[] connect = CODEC.encode(new SocketPacket(SocketPacketType.CONNECT, "/", SocketPacket.NO_ID, null));
                afterLastSend(webSocket, w -> w.sendBinary(ByteBuffer.wrap(connect), true));
            } else if (data.toString().equals("2")) {
                afterLastSend(webSocket, w -> w.sendText("3", true));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            partial.put(data);
            if (last) {
                byte[] message = new byte[partial.flip().remaining()];
                partial.get(message).clear();
                try {
                    SocketPacket packet = CODEC.decode(message);
                    if (packet.type() == SocketPacketType.CONNECT) {
                        joined.complete(null);
                    } else if (packet.type() == SocketPacketType.ACK) {
                        acks.add(packet);
                    }
                } catch (Exception e) {
                    joined.completeExceptionally(e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
