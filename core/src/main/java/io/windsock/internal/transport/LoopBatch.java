package io.windsock.internal.transport;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import io.windsock.internal.log.Loggers;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The tasks handed to one event loop with {@link NettyScheduler#executeBatched}: queued from any
 * thread, run by one task of the loop in one pass. A broadcast to a thousand connections of a loop
 * thus submits one task and wakes the loop once, however many connections it reaches.
 *
 * <p>Bounded by its users: each hands a task over at most once until it has started running (see
 * {@link io.windsock.internal.engine.EngineScheduler#executeBatched}).
 */
final class LoopBatch implements Runnable {
    private static final Logger log = Loggers.TRANSPORT;

    private final EventLoop loop;
    /** Many producers, one consumer (the loop). */
    private final Queue<Runnable> queued = PlatformDependent.newMpscQueue();
    /** True from the hand-over that submits the pass until the pass starts. */
    private final AtomicBoolean submitted = new AtomicBoolean();
    /** The loop refused the pass: it has shut down, nothing queued here will run. */
    private volatile boolean refused;

    LoopBatch(EventLoop loop) {
        this.loop = loop;
    }

    /** Any thread. @throws RejectedExecutionException once the loop has shut down */
    void add(Runnable task) {
        if (refused) {
            throw new RejectedExecutionException("event loop shut down");
        }
        queued.add(task);
        if (!submitted.get() && submitted.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                refused = true; // what is queued goes with this object, once the loop is gone
                throw e;
            }
        }
    }

    /** The pass, on the loop: runs what was queued before it started; later tasks submit the next pass. */
    @Override
    public void run() {
        // Cleared before the count: a task queued after it either is counted here or submits a pass.
        submitted.set(false);
        for (int n = queued.size(); n > 0; n--) {
            Runnable task = queued.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable e) {
                log.warn("a batched task failed", e);
            }
        }
    }
}
