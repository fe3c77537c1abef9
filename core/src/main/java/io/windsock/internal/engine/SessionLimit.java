package io.windsock.internal.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cap on sessions that exist at once on one server ({@code maxSessions}), shared by every protocol
 * generation: Engine.IO v3/v4 and Socket.IO 0.9. A handshake takes a place before its session exists
 * and the session gives it back when it leaves its table. Thread-safe, never blocks.
 */
public final class SessionLimit {
    /** No cap (a raw Engine.IO server, tests). */
    public static SessionLimit unlimited() {
        return new SessionLimit(Integer.MAX_VALUE);
    }

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public SessionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1");
        }
        this.max = max;
    }

    /** @return whether a place was taken; false at the cap (nothing is taken then). */
    public boolean tryAcquire() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place taken by {@link #tryAcquire}. */
    public void release() {
        open.decrementAndGet();
    }

    /** @return the places taken now. */
    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }
}
