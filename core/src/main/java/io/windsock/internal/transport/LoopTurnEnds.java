package io.windsock.internal.transport;

import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.windsock.internal.exec.TurnEnds;
import java.util.concurrent.RejectedExecutionException;

/** Netty's event loops as threads that work in turns: a turn is one pass of I/O and queued tasks. */
public final class LoopTurnEnds implements TurnEnds {
    public static final LoopTurnEnds INSTANCE = new LoopTurnEnds();

    private LoopTurnEnds() {
    }

    @Override
    public boolean onTurnThread() {
        return currentLoop() != null;
    }

    @Override
    public boolean bookAtTurnEnd(Runnable task) {
        SingleThreadEventLoop loop = currentLoop();
        if (loop == null) {
            return false;
        }
        try {
            loop.executeAfterEventLoopIteration(task);
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            return false;
        }
    }

    private static SingleThreadEventLoop currentLoop() {
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        return current instanceof SingleThreadEventLoop loop && loop.inEventLoop() ? loop : null;
    }
}
