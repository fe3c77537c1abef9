package io.windsock.internal.transport;

import static io.windsock.internal.transport.PollingFixture.POLLING;
import static io.windsock.internal.transport.PollingFixture.get;
import static io.windsock.internal.transport.PollingFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.windsock.internal.transport.PollingFixture.Reply;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idle closer and long-polling requests whose answer the session holds, on connections in
 * {@link EmbeddedChannel}s whose clocks the test moves: a POST held while reading is paused, and the
 * GET waiting meanwhile, outlast the idle period; once answered, a connection idles out as any other.
 */
class PollingIdleCloserTest {
    private static final long IDLE_MILLIS = 1000;

    private final PollingFixture polling = new PollingFixture(handler -> {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // before the idle closer starts counting
        channel.pipeline().addLast(new IdleCloser(IDLE_MILLIS), handler);
        return channel;
    });

    @AfterEach
    void release() {
        polling.close();
    }

    @Test
    void aPostHeldWhileReadingIsPausedAndTheWaitingPollOutlastTheIdlePeriod() {
        String sid = polling.handshake();
        EmbeddedChannel poll = polling.connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        polling.runAllTasks();
        assertNull(post.readOutbound(), "the POST is held while reading is paused");
        assertNull(poll.readOutbound(), "the GET waits");

        idle(poll, 5 * IDLE_MILLIS);
        idle(post, 5 * IDLE_MILLIS);
        assertTrue(post.isOpen(), "the held POST's connection is owed its answer");
        assertTrue(poll.isOpen(), "the waiting GET's connection is owed its answer");

        polling.engine.session(sid).resumeReading();
        Reply ok = polling.take(post);
        assertEquals(200, ok.status());
        assertEquals("ok", ok.body());
        assertEquals(List.of(), polling.closes);

        idle(post, 2 * IDLE_MILLIS);
        assertFalse(post.isOpen(), "answered, the connection idles out as any other");
        assertTrue(poll.isOpen());
    }

    @Test
    void aConnectionOwedNothingIdlesOut() {
        polling.handshake();
        EmbeddedChannel quiet = polling.connection();
        idle(quiet, IDLE_MILLIS - 1);
        assertTrue(quiet.isOpen());
        idle(quiet, 1);
        assertFalse(quiet.isOpen());
    }

    // ---- helpers ----

    /** Moves the connection's clock on and runs its idle checks. */
    private static void idle(EmbeddedChannel connection, long millis) {
        connection.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
    }
}
