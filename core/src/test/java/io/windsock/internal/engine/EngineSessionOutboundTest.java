package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The outbound bounds on a manual clock: the bytes held for one client on every transport, and the
 * size of one poll response.
 */
class EngineSessionOutboundTest extends EngineSessionFixture {
    private static final String TEN_KB = "x".repeat(10_000);

    // ---- the cap on one poll response ----

    @Test
    void pollResponsesNeverExceedTheCapAndDeliverEveryPacketOnceInOrder() {
        int cap = 1_000;
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.builder().maxPollResponseBytes(cap).build(), polling);
        polling.takeSent();
        List<EnginePacket> sent = mixedPackets(500, new Random(42));
        for (EnginePacket packet : sent) {
            assertTrue(session.send(packet));
        }
        scheduler.runPending();

        List<EnginePacket> received = new ArrayList<>();
        for (int polls = 0; received.size() < sent.size(); polls++) {
            assertTrue(polls < sent.size(), "every poll takes at least one packet");
            polling.poll();
            List<List<EnginePacket>> responses = polling.takeSent();
            assertEquals(1, responses.size());
            List<EnginePacket> response = responses.get(0);
            int bodyBytes = body(response).length;
            assertTrue(bodyBytes <= cap, "a response of " + bodyBytes + " bytes");
            assertEquals(payloadBytes(response), bodyBytes, "the session's count is the body's length");
            received.addAll(response);
        }
        assertEquals(sent, received);
        assertEquals(0, session.pendingOutboundBytes());
        polling.poll();
        assertEquals(List.of(), polling.sent(), "nothing left: the poll waits");
    }

    @Test
    void aPacketLargerThanTheCapGoesAloneInItsResponse() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.builder().maxPollResponseBytes(1_000).build(), polling);
        polling.takeSent();
        EnginePacket big = EnginePacket.message("y".repeat(5_000));
        EnginePacket bigBinary = EnginePacket.message(new byte[3_000]);
        session.send(A);
        session.send(big);
        session.send(B);
        session.send(bigBinary);
        session.send(C);
        scheduler.runPending();

        List<List<EnginePacket>> responses = new ArrayList<>();
        for (int i = 0; i < 5 && responses.size() < 5; i++) {
            polling.poll();
            responses.addAll(polling.takeSent());
        }
        assertEquals(List.of(List.of(A), List.of(big), List.of(B), List.of(bigBinary), List.of(C)), responses);
        assertEquals(5_001, body(responses.get(1)).length, "one packet over the cap, alone");
    }

    @Test
    void theCapFollowsMaxHttpBufferSizeUnlessSet() {
        assertEquals(1_000_000, EngineOptions.DEFAULT.maxPollResponseBytes());
        EngineOptions small = EngineOptions.builder().maxHttpBufferSize(5_000).build();
        assertEquals(5_000, small.maxPollResponseBytes());
        assertEquals(9_000, small.toBuilder().maxHttpBufferSize(9_000).build().maxPollResponseBytes());
        EngineOptions set = EngineOptions.builder().maxPollResponseBytes(64 * 1024).build();
        assertEquals(64 * 1024, set.toBuilder().maxHttpBufferSize(5_000).build().maxPollResponseBytes());
        assertThrows(() -> EngineOptions.builder().maxPollResponseBytes(63));
    }

    @Test
    void webSocketTakesEverythingQueuedAtOnce() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.builder().maxPollResponseBytes(100).build(), websocket);
        websocket.takeSent();
        List<EnginePacket> sent = mixedPackets(50, new Random(7));
        sent.forEach(session::send);
        scheduler.runPending();
        assertEquals(List.of(sent), websocket.sent(), "the poll cap is for polling only");
    }

    // ---- the bound on bytes held for a client ----

    @Test
    void aPollingClientThatNeverPollsIsDroppedAtTheBound() {
        long bound = 64 * 1024;
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.builder().maxPendingOutboundBytes(bound).build(), polling);
        polling.takeSent();  // the handshake; the client never polls again

        int accepted = 0;
        long mostHeld = 0;
        for (int i = 0; i < 3_000; i++) {
            if (session.send(EnginePacket.message(TEN_KB))) {
                accepted++;
            }
            mostHeld = Math.max(mostHeld, session.pendingOutboundBytes());
        }
        assertEquals(6, accepted, "as many 10 KB packets as fit under 64 KiB");
        assertTrue(mostHeld <= bound, mostHeld + " bytes held");
        assertEquals(List.of(), handler.closeReasons, "the drop is a task of its own, never inside send()");

        scheduler.runPending();
        assertEquals(List.of("transport error"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(0, session.pendingOutboundBytes(), "what was queued is let go");
        assertNull(server.session(session.id()));
        assertTrue(polling.isAborted());
        assertFalse(session.send(A), "a closed session takes nothing");
        assertEquals(0, session.pendingOutboundBytes());
    }

    @Test
    void aSlowPollerIsDroppedAtTheBoundInsteadOfGrowingForEver() {
        long bound = 256 * 1024;
        EngineOptions options = EngineOptions.builder().maxPendingOutboundBytes(bound).maxPollResponseBytes(16 * 1024)
                .pingInterval(Duration.ofSeconds(1)).pingTimeout(Duration.ofSeconds(30)).build();
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(options, polling);
        polling.takeSent();
        String oneKb = "z".repeat(1_000);

        // 100 KB/s sent; the client polls once a second, as its heartbeat needs, and answers every ping.
        long mostHeld = 0;
        int refused = 0;
        for (int tick = 1; tick <= 600 && handler.closeReasons.isEmpty(); tick++) {
            for (int i = 0; i < 10; i++) {
                refused += session.send(EnginePacket.message(oneKb)) ? 0 : 1;
            }
            scheduler.advanceMillis(100);
            mostHeld = Math.max(mostHeld, session.pendingOutboundBytes());
            if (tick % 10 == 0 && handler.closeReasons.isEmpty()) {
                polling.poll();
                if (polling.takeSent().stream().flatMap(List::stream).anyMatch(p -> p.type() == EnginePacketType.PING)) {
                    polling.receive("3");
                }
            }
        }
        assertEquals(List.of("transport error"), handler.closeReasons, "dropped at the bound, not at a ping timeout");
        assertTrue(scheduler.now().compareTo(Duration.ofSeconds(10)) < 0, "dropped after " + scheduler.now());
        assertTrue(refused > 0);
        assertTrue(mostHeld <= bound, mostHeld + " bytes held");
        assertEquals(0, session.pendingOutboundBytes());
    }

    @Test
    void aPacketLargerThanTheBoundIsRefusedWithoutBeingQueued() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.builder().maxPendingOutboundBytes(1024 * 1024).build(), polling);
        polling.takeSent();
        EnginePacket twoMegabytes = EnginePacket.message(new byte[2 * 1024 * 1024]);

        assertFalse(session.send(List.of(EnginePacket.message("451-[\"file\",{\"_placeholder\":true,\"num\":0}]"),
                twoMegabytes)), "an event and its attachment are refused together");
        assertEquals(0, session.pendingOutboundBytes(), "never counted, never queued");
        assertEquals(1, scheduler.queuedCount(), "only the drop is queued, no drain");
        scheduler.runPending();
        assertEquals(List.of("transport error"), handler.closeReasons);
    }

    @Test
    void theTransportsUnflushedBytesCountAgainstTheBound() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.builder().maxPendingOutboundBytes(64 * 1024).build(), websocket);
        websocket.takeSent();
        assertTrue(session.send(EnginePacket.message(TEN_KB)));
        scheduler.runPending();
        assertEquals(0, session.pendingOutboundBytes(), "written: the transport holds nothing in this fake");

        websocket.setPendingBytes(60 * 1024);  // the client stopped reading
        assertEquals(60 * 1024, session.pendingOutboundBytes());
        assertFalse(session.send(EnginePacket.message(TEN_KB)));
        scheduler.runPending();
        assertEquals(List.of("transport error"), handler.closeReasons);
        assertTrue(websocket.isAborted(), "closed at once, not behind frames the client does not read");
    }

    @Test
    void bytesAreCountedWhileQueuedAndReleasedWhenWrittenOrDropped() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        session.send(EnginePacket.message("héllo"));  // 1 + 6 UTF-8 bytes
        session.send(EnginePacket.message(new byte[100]));
        assertEquals(107, session.pendingOutboundBytes(), "counted as soon as queued, on the sender's thread");
        scheduler.runPending();
        assertEquals(107, session.pendingOutboundBytes(), "still held while no poll waits");
        polling.poll();
        assertEquals(0, session.pendingOutboundBytes());

        session.send(A);
        scheduler.advanceMillis(25_000);  // a PING joins the queue
        assertEquals(3, session.pendingOutboundBytes());
        polling.receive("1");  // the client leaves
        assertEquals(0, session.pendingOutboundBytes());
        assertEquals(List.of("transport close"), handler.closeReasons);
    }

    @Test
    void aPingSentAgainWhileReadingIsPausedIsCountedLikeAnyOther() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        session.suspendReading();
        scheduler.advanceMillis(25_000);  // the first PING
        assertEquals(1, session.pendingOutboundBytes());
        scheduler.advanceMillis(20_000);  // no pong read: the PING goes again instead of a timeout
        assertEquals(2, session.pendingOutboundBytes(), "both pings held for the client");
        polling.poll();
        assertEquals(0, session.pendingOutboundBytes(), "what was written is let go, no more");
        assertEquals(List.of(), handler.closeReasons);
    }

    // ---- helpers ----

    /** Text of random lengths (some non-ASCII) and binary, so responses end at many different points. */
    private static List<EnginePacket> mixedPackets(int count, Random random) {
        List<EnginePacket> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = 1 + random.nextInt(300);
            packets.add(switch (i % 3) {
                case 0 -> EnginePacket.message(i + ":" + "a".repeat(length));
                case 1 -> EnginePacket.message(i + ":" + "é€".repeat(length / 2));
                default -> EnginePacket.message(new byte[length]);
            });
        }
        return packets;
    }

    private static byte[] body(List<EnginePacket> response) {
        return EngineCodecV4.INSTANCE.encodePayload(response).getBytes(StandardCharsets.UTF_8);
    }

    private static long payloadBytes(List<EnginePacket> response) {
        long bytes = 0;
        for (int i = 0; i < response.size(); i++) {
            bytes += EngineCodecV4.INSTANCE.payloadBytes(response.get(i), i == 0);
        }
        return bytes;
    }

    private static void assertThrows(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }
}
