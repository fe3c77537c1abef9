package io.windsock.internal.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The single thread a session's state lives on, and its timers. In production a Netty event loop;
 * in tests a manual clock. Every {@link EngineSession} method that changes state runs here.
 */
public interface EngineScheduler extends Executor {
    /** @return whether the caller runs on this scheduler's thread. */
    boolean inThread();

    /** Runs a task once after a delay; the returned handle cancels it. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** A scheduled task that can be cancelled. Cancelling twice, or after it ran, does nothing. */
    interface Cancellable {
        Cancellable NONE = () -> { };

        void cancel();
    }
}
