package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.ManualScheduler;
import io.windsock.server.Protocol1Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session's queue, transports, heartbeats and expiry on a manual clock. */
class Sio1SessionTest {
    private static final Protocol1Options OPTIONS = Protocol1Options.builder()
            .heartbeatInterval(Duration.ofMillis(1000)).pollTimeout(Duration.ofMillis(800))
            .sessionExpiry(Duration.ofMillis(3000)).build();

    private final ManualScheduler clock = new ManualScheduler();
    private final List<Sio1Packet> received = new ArrayList<>();
    private final List<String> closes = new ArrayList<>();
    /** What the handler does after it records a packet. */
    private Consumer<Sio1Packet> onPacket = packet -> { };
    private Sio1Server server;
    private Sio1Session session;

    @BeforeEach
    void open() {
        server = new Sio1Server(new Sio1Settings(OPTIONS, 100, 10), (s, verdict) -> {
            s.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session session, Sio1Packet packet) {
                    received.add(packet);
                    onPacket.accept(packet);
                }

                @Override
                public void onClose(Sio1Session session, String reason) {
                    closes.add(reason);
                }
            });
            verdict.complete(null);
        });
        CompletableFuture<Sio1Session> opened = server.open(
                new EngineRequest("GET", "/socket.io/1/", Map.of(), Map.of(), null, false), clock);
        session = opened.join();
    }

    @Test
    void queuesUntilAPollTakesEverythingFramed() {
        session.send("1::");
        session.send("5:::{\"name\":\"a\"}");
        clock.runPending();
        Fake poll = new Fake(true);
        assertTrue(session.attach(poll));
        assertEquals(List.of(List.of("1::", "5:::{\"name\":\"a\"}")), poll.sent);
        assertFalse(session.hasTransport());
    }

    @Test
    void anIdlePollEndsWithANoop() {
        Fake poll = new Fake(true);
        assertTrue(session.attach(poll));
        clock.advanceMillis(799);
        assertTrue(poll.sent.isEmpty());
        clock.advanceMillis(1);
        assertEquals(List.of(List.of("8::")), poll.sent);
        assertTrue(session.attach(new Fake(true)));
    }

    @Test
    void aSecondPollReplacesTheWaitingOneButNotAStream() {
        Fake first = new Fake(true);
        assertTrue(session.attach(first));
        Fake second = new Fake(true);
        assertTrue(session.attach(second), "the client gave the first up: the 0.9 server replaces it");
        assertEquals(List.of(List.of("8::")), first.sent);
        session.send("3:::hi");
        clock.runPending();
        assertEquals(List.of(List.of("3:::hi")), second.sent);
        Fake stream = new Fake(false);
        assertTrue(session.attach(stream));
        assertFalse(session.attach(new Fake(true)), "a poll while a stream is open: 401");
        assertFalse(session.attach(new Fake(false)), "a second stream: 401");
    }

    @Test
    void aWaitingPollIsAnsweredAsSoonAsSomethingIsSent() {
        Fake poll = new Fake(true);
        session.attach(poll);
        session.send("3:::hi");
        clock.runPending();
        assertEquals(List.of(List.of("3:::hi")), poll.sent);
        clock.advanceMillis(900); // the poll timer was cancelled with the answer
        assertEquals(1, poll.sent.size());
    }

    @Test
    void thePollTimeoutCountsFromEachPollAndTheExpiryFromTheLastAnswer() {
        Fake first = new Fake(true);
        assertTrue(session.attach(first));
        clock.advanceMillis(100);
        session.send("3:::a");
        clock.runPending();
        assertEquals(List.of(List.of("3:::a")), first.sent);
        Fake second = new Fake(true);
        assertTrue(session.attach(second));
        clock.advanceMillis(700); // 800 ms: the first poll's timeout, not the second's
        assertTrue(second.sent.isEmpty());
        clock.advanceMillis(100);
        assertEquals(List.of(List.of("8::")), second.sent);
        // The expiry counts from that answer (900 ms), not from the handshake or the first poll.
        clock.advanceMillis(2999);
        assertTrue(closes.isEmpty());
        clock.advanceMillis(1);
        assertEquals(List.of("expired"), closes);
        assertNull(server.session(session.id()));
    }

    @Test
    void heartbeatsGoOutAndThreeUnansweredCloseTheSession() {
        Fake ws = new Fake(false);
        session.attach(ws);
        clock.advanceMillis(1000);
        assertEquals(List.of(List.of("2::")), ws.sent);
        session.onPacketText("2::");
        clock.advanceMillis(3000);
        assertEquals(4, ws.sent.size());
        assertTrue(closes.isEmpty());
        clock.advanceMillis(1000);
        assertEquals(List.of("heartbeat timeout"), closes);
        assertTrue(ws.closed);
    }

    @Test
    void expiresAfterTheLastTransportLeftButNotWhileAStreamIsOpen() {
        Fake ws = new Fake(false);
        session.attach(ws);
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(1000);
            session.onPacketText("2::");
        }
        assertTrue(closes.isEmpty());
        session.detach(ws);
        clock.advanceMillis(2999);
        assertTrue(closes.isEmpty());
        clock.advanceMillis(1);
        assertEquals(List.of("expired"), closes);
        assertNull(server.session(session.id()));
    }

    @Test
    void aServerCloseSendsDisconnectAndAClosedSessionServesOnlyWhatIsLeft() {
        session.close();
        clock.runPending();
        assertEquals(List.of("server disconnect"), closes);
        Fake poll = new Fake(true);
        assertTrue(session.attach(poll));
        assertEquals(List.of(List.of("0::")), poll.sent);
        assertFalse(session.attach(new Fake(true)), "nothing left: refused (401)");
        assertFalse(session.send("3:::late"));
        assertSame(session, server.session(session.id()));
        clock.advanceMillis(3000);
        assertNull(server.session(session.id()));
    }

    /**
     * A close that sends the client no disconnect packet (heartbeat timeout, transport error) answers
     * the waiting poll at once, empty, as the 0.9 server ends its response: not at the poll timeout,
     * and not never, when the session is removed before that timeout.
     */
    @Test
    void aCloseWithNothingForTheClientAnswersTheWaitingPollAtOnce() {
        Fake poll = new Fake(true);
        assertTrue(session.attach(poll));
        session.closeAsTransportError();
        clock.runPending();
        assertEquals(List.of("transport error"), closes);
        assertEquals(List.of(List.of()), poll.sent, "answered now, with no packet");
        assertFalse(session.hasTransport());
        assertFalse(session.attach(new Fake(true)), "nothing left: 401");
        clock.advanceMillis(3000);
        assertNull(server.session(session.id()));
        assertEquals(1, poll.sent.size(), "answered once");
    }

    /**
     * A stream over its high-water mark when the session closes stays attached for the last packets;
     * when the session is removed, they are dropped and the stream ends with it, so a client that reads
     * again later does not hold a connection to a session that is gone.
     */
    @Test
    void aRemovedSessionEndsAStreamThatCouldNotTakeItsLastPackets() {
        Fake ws = new Fake(false);
        ws.writable = false;
        assertTrue(session.attach(ws));
        assertTrue(session.send("3:::a"));
        session.close();
        clock.runPending();
        assertEquals(List.of("server disconnect"), closes);
        assertFalse(ws.closed, "its last packets wait for it");
        clock.advanceMillis(3000);
        assertNull(server.session(session.id()), "removed");
        assertTrue(ws.closed, "ended with the session");
        assertFalse(session.hasTransport());
        assertEquals(0, session.pendingChars());
        ws.writable = true;
        session.flushNow();
        assertTrue(ws.sent.isEmpty());
    }

    @Test
    void clientPacketsReachTheHandlerAndGarbageClosesTheSession() {
        List<String> answered = new ArrayList<>();
        session.onPayload("\ufffd3\ufffd2::\ufffd7\ufffd3:::a:b", () -> answered.add("first"));
        assertEquals(List.of(new Sio1Packet(3, "", false, "", "a:b")), received);
        session.onPayload("\ufffd9\ufffd2::", () -> answered.add("garbage"));
        assertEquals(List.of("parse error"), closes);
        assertEquals(List.of("first", "garbage"), answered, "the client's POST is answered either way");
    }

    @Test
    void aClientThatTakesNothingIsDroppedAtTheQueueBound() {
        for (int i = 0; i < 10; i++) {
            assertTrue(session.send("3:::123456"));
        }
        assertFalse(session.send("3:::x"));
        clock.runPending();
        assertEquals(List.of("transport error"), closes);
        assertEquals(0, session.pendingChars(), "what waited is dropped, not held until the expiry");
        assertFalse(session.attach(new Fake(true)), "nothing left for a poll: 401");
    }

    /** A heartbeat that crosses the bound closes the session, and sets no timer for the next one. */
    @Test
    void aHeartbeatPastTheBoundClosesTheSessionAndSchedulesNoOther() {
        for (int i = 0; i < 10; i++) {
            assertTrue(session.send("3:::123456")); // the bound, exactly
        }
        clock.runPending();
        clock.advanceMillis(1000);
        assertEquals(List.of("transport error"), closes);
        assertEquals(1, clock.timerCount(), "the expiry's only, no heartbeat's");
    }

    /** The socket layer's transport-error close drops what waits for the client (the Carrier contract). */
    @Test
    void aTransportErrorCloseDropsWhatWaitsForTheClient() {
        Sio1Carrier carrier = new Sio1Carrier(session, null, new CompletableFuture<>(), () -> false);
        assertTrue(session.send("3:::a"));
        assertTrue(session.send("3:::b"));
        carrier.closeAsTransportError("too many events");
        clock.runPending();
        assertEquals(List.of("transport error"), closes);
        assertEquals(0, session.queuedPackets());
        assertEquals(0, session.pendingChars());
        assertFalse(session.attach(new Fake(true)), "nothing left for a poll: 401");
        assertFalse(carrier.isOpen());
    }

    @Test
    void postsWaitWhileReadingIsPausedAndTooManyDropTheClient() {
        List<String> answered = new ArrayList<>();
        session.suspendReading();
        session.whenReading(() -> answered.add("first"));
        assertTrue(answered.isEmpty());
        session.resumeReading();
        assertEquals(List.of("first"), answered);
        session.suspendReading();
        for (int i = 0; i < Sio1Session.MAX_HELD_POSTS; i++) {
            session.whenReading(() -> answered.add("held"));
        }
        assertTrue(closes.isEmpty());
        session.whenReading(() -> answered.add("one too many"));
        assertEquals(List.of("transport error"), closes);
        assertEquals(List.of("first", "held", "held", "held", "held", "one too many"), answered);
    }

    /** A body of more packets than maxPacketsPerPayload (10 here) is delivered whole, a slice at a time. */
    @Test
    void aBodyOfMorePacketsThanTheCapIsDeliveredWholeAndAnswered() {
        List<String> answered = new ArrayList<>();
        session.onPayload(framed(0, 25), () -> answered.add("burst"));
        assertEquals(messages(0, 25), received);
        assertEquals(List.of("burst"), answered);
        assertTrue(closes.isEmpty());
        assertEquals(Sio1Session.State.OPEN, session.state());
    }

    /**
     * Reading pauses during a slice: the slice goes in whole, the rest of the body waits with the
     * answer, and a POST that comes meanwhile waits behind it. Each resume delivers one more slice,
     * in order, until a slice leaves reading on.
     */
    @Test
    void readingPausedMidBodyHoldsTheRestAndItsAnswerUntilItResumes() {
        List<String> answered = new ArrayList<>();
        onPacket = packet -> {
            if (packet.data().equals("3") || packet.data().equals("14")) {
                session.suspendReading(); // the layer above is full
            }
        };
        session.onPayload(framed(0, 25), () -> answered.add("burst"));
        assertEquals(messages(0, 10), received, "the first slice, whole");
        assertTrue(answered.isEmpty());
        session.onPayload(framed(25, 2), () -> answered.add("next"));
        assertEquals(messages(0, 10), received);

        session.resumeReading(); // the second slice pauses reading again
        assertEquals(messages(0, 20), received);
        assertTrue(answered.isEmpty());

        session.resumeReading();
        assertEquals(messages(0, 27), received, "the rest, then the POST held behind it");
        assertEquals(List.of("burst", "next"), answered);
        assertTrue(closes.isEmpty());
    }

    /** A session closed while a body waits answers its POST and delivers nothing more of it. */
    @Test
    void aCloseWhileABodyWaitsAnswersItsPostAndDropsTheRest() {
        List<String> answered = new ArrayList<>();
        onPacket = packet -> session.suspendReading();
        session.onPayload(framed(0, 25), () -> answered.add("burst"));
        assertEquals(messages(0, 10), received);
        session.close("client disconnect");
        assertEquals(List.of("burst"), answered);
        assertEquals(List.of("client disconnect"), closes);
        session.resumeReading();
        assertEquals(messages(0, 10), received);
    }

    /** A bad frame past the first slice closes the session: the slices before it were delivered. */
    @Test
    void aBadFrameInALaterSliceClosesTheSessionAfterTheSlicesBeforeIt() {
        List<String> answered = new ArrayList<>();
        session.onPayload(framed(0, 15) + "\ufffd9\ufffd2::", () -> answered.add("burst"));
        assertEquals(messages(0, 10), received, "none of the bad frame's slice");
        assertEquals(List.of("parse error"), closes);
        assertEquals(List.of("burst"), answered);
    }

    /** Messages {@code 3:::<i>} for i from {@code from}, as socket.io-client 0.9 frames several in one POST. */
    private static String framed(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "3:::" + i)
                .map(packet -> "\ufffd" + packet.length() + "\ufffd" + packet).collect(Collectors.joining());
    }

    private static List<Sio1Packet> messages(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> new Sio1Packet(3, "", false, "", String.valueOf(i))).toList();
    }

    @Test
    void theHandshakeAdvertisesTimeoutsInSeconds() {
        assertEquals("6:5.8:websocket,htmlfile,xhr-polling",
                new Sio1Settings(OPTIONS, 1, 1).handshakeTail());
        assertEquals("17:25:websocket,htmlfile,xhr-polling",
                new Sio1Settings(Protocol1Options.DEFAULT, 1, 1).handshakeTail());
    }

    private static final class Fake implements Sio1Session.Transport {
        final boolean oneShot;
        final List<List<String>> sent = new ArrayList<>();
        boolean closed;
        /** False: a stream over its high-water mark. */
        boolean writable = true;

        Fake(boolean oneShot) {
            this.oneShot = oneShot;
        }

        @Override
        public String name() {
            return oneShot ? "xhr-polling" : "websocket";
        }

        @Override
        public boolean isWritable() {
            return writable && !closed;
        }

        @Override
        public boolean isOneShot() {
            return oneShot;
        }

        @Override
        public void send(List<String> packets, Runnable written) {
            sent.add(List.copyOf(packets));
            written.run();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * A 0.9 WebSocket hands each frame to its session's thread, which may be another, busier event
     * loop: reading stops while too many wait there, and resumes when the session has taken them.
     */
    @Test
    void aWebSocketStopsReadingWhileTheSessionsThreadLagsAndResumesWhenItCatchesUp() {
        EmbeddedChannel channel = new EmbeddedChannel();
        Sio1WebSocket ws = new Sio1WebSocket("websocket", channel, session, 1 << 20);
        channel.pipeline().addLast(ws);
        assertTrue(session.attach(ws));
        clock.runPending();
        for (int i = 1; i < Sio1WebSocket.BACKLOG_PAUSE; i++) {
            channel.writeInbound(new TextWebSocketFrame("3:::" + i));
        }
        assertTrue(channel.config().isAutoRead(), "under the mark");
        channel.writeInbound(new TextWebSocketFrame("3:::" + Sio1WebSocket.BACKLOG_PAUSE));
        assertFalse(channel.config().isAutoRead(), "stopped at the mark");

        ws.setReadingSuspended(true); // the session's own flow control, meanwhile
        clock.runPending(); // the session takes every frame
        channel.runPendingTasks();
        assertEquals(Sio1WebSocket.BACKLOG_PAUSE, received.size());
        assertFalse(channel.config().isAutoRead(), "still stopped by the session");
        ws.setReadingSuspended(false);
        assertTrue(channel.config().isAutoRead(), "reading again: backlog taken, session resumed");
        channel.finishAndReleaseAll();
    }

    /** Large frames stop a 0.9 WebSocket's reading by their bytes, long before the frame count's mark. */
    @Test
    void aWebSocketAlsoStopsReadingForTheBytesWaitingForTheSessionsThread() {
        EmbeddedChannel channel = new EmbeddedChannel();
        Sio1WebSocket ws = new Sio1WebSocket("websocket", channel, session, 1 << 20);
        channel.pipeline().addLast(ws);
        assertTrue(session.attach(ws));
        clock.runPending();
        String half = "3:::" + "x".repeat(Sio1WebSocket.BACKLOG_PAUSE_BYTES / 2);
        channel.writeInbound(new TextWebSocketFrame(half));
        assertTrue(channel.config().isAutoRead(), "under the byte mark");
        channel.writeInbound(new TextWebSocketFrame(half));
        assertFalse(channel.config().isAutoRead(), "two frames: past the byte mark");
        clock.runPending(); // the session takes both
        channel.runPendingTasks();
        assertEquals(2, received.size());
        assertTrue(channel.config().isAutoRead(), "reading again: backlog taken");
        channel.finishAndReleaseAll();
    }

    /**
     * Volatile packets for a stream over Netty's high-water mark (a client that stopped reading) are
     * dropped, as Socket.IO 0.9 drops them while a transport is not drained, not queued until the
     * session's bound drops the client; once the client reads, they go out again.
     */
    @Test
    void volatilePacketsAreDroppedWhileAStreamIsOverItsHighWaterMark() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        Unread client = new Unread();
        channel.pipeline().addLast(client);
        Sio1WebSocket ws = new Sio1WebSocket("websocket", channel, session, 1 << 20);
        channel.pipeline().addLast(ws);
        Sio1Carrier carrier = new Sio1Carrier(session, null, new CompletableFuture<>(), () -> false);
        assertTrue(session.attach(ws));
        assertTrue(carrier.isWritableNow());
        assertTrue(session.send("3:::0123456789abcdef")); // 20 bytes: over the high-water mark while unread
        assertFalse(carrier.isWritableNow(), "waiting in the session");
        clock.runPending();
        assertFalse(channel.isWritable());
        assertFalse(carrier.isWritableNow(), "over the high-water mark");
        for (int i = 0; i < 20; i++) { // 240 chars if queued: past the session's bound of 100
            if (carrier.isWritableNow()) { // as the socket layer decides for a volatile packet
                carrier.send(new Sio1Frame(Sio1Packet.of(Sio1Packet.MESSAGE, "", "volatile"), "3:::volatile"));
            }
            clock.runPending();
        }
        assertEquals(0, session.queuedPackets());
        assertTrue(closes.isEmpty(), "dropped, not queued: " + closes);
        assertTrue(carrier.isOpen());

        client.read();
        channel.runPendingTasks();
        clock.runPending();
        assertTrue(carrier.isWritableNow(), "the client read: under the low-water mark");
        assertTrue(carrier.send(new Sio1Frame(Sio1Packet.of(Sio1Packet.MESSAGE, "", "volatile"), "3:::volatile")));
        clock.runPending();
        client.read();
        assertEquals(List.of("3:::0123456789abcdef", "3:::volatile"), written(channel));
        channel.finishAndReleaseAll();
    }

    private static List<String> written(EmbeddedChannel channel) {
        List<String> texts = new ArrayList<>();
        TextWebSocketFrame frame;
        while ((frame = channel.readOutbound()) != null) {
            texts.add(frame.text());
            frame.release();
        }
        return texts;
    }

    /** A client that reads nothing until {@link #read}: what is written waits, counted against the water marks. */
    private static final class Unread extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private PendingWriteQueue held;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            held = new PendingWriteQueue(ctx);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing leaves while the client does not read
        }

        /** The client reads everything written so far. */
        void read() {
            held.removeAndWriteAll();
            ctx.flush();
        }
    }
}
