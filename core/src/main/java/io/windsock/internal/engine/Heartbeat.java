package io.windsock.internal.engine;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EnginePacket;

/**
 * How one Engine.IO session checks that its client is alive. The revisions differ: in v4 the server
 * pings and the client answers ({@link ServerPingHeartbeat}); in v3 the client pings and the server
 * answers with a pong, closing the session when no ping arrives within pingInterval + pingTimeout.
 * One instance per session, called on its scheduler thread only.
 */
public interface Heartbeat {
    /** The session opened: its OPEN packet is queued. */
    void start();

    /** A PING or PONG arrived from the client on the session's transport (never an upgrade probe's). */
    void onPacket(EnginePacket packet);

    /**
     * Reading resumed after a pause: the client's answer may have waited unread until now (a polling
     * client's is queued behind its held POST), so a deadline that falls due sooner than pingTimeout
     * from now moves to then.
     */
    void onReadingResumed();

    /**
     * A server close waits for a polling client's next request under a timer of its own: start no new
     * round that would end the session otherwise (v4: send no further ping).
     */
    void onClosing();

    /** The session closed: cancel every timer. */
    void stop();

    /** What a heartbeat may do to its session. */
    interface Session {
        EngineScheduler scheduler();

        EngineOptions options();

        /** @return whether reading is paused (a pong may be waiting unread: no timeout then). */
        boolean isReadingSuspended();

        /** Queues a packet of the session's own (counted, never refused) and flushes. */
        void sendControl(EnginePacket packet);

        /**
         * Queues a PONG and flushes, unless a PONG already waits unsent: a client that pings without
         * reading gets one PONG waiting at most, not one per ping.
         */
        void sendPong();

        /** Closes the session with an Engine.IO close reason ("ping timeout", "transport error"). */
        void fail(String reason, String description);
    }

    /** @return the heartbeat of an Engine.IO protocol revision, or {@code null} when it is not supported. */
    static Heartbeat forProtocol(int protocol, Session session) {
        return switch (protocol) {
            case 4 -> new ServerPingHeartbeat(session);
            case 3 -> new ClientPingHeartbeat(session);
            default -> null;
        };
    }
}
