package io.windsock.internal.exec;

/**
 * Threads that work in turns (the network event loops), as the handler pool sees them: a task booked
 * on such a thread runs on it when its current turn ends. The transport implements it, so that this
 * package needs no network library.
 */
public interface TurnEnds {
    /** No thread works in turns: every hand-over wakes the pool at once. */
    TurnEnds NONE = new TurnEnds() {
        @Override
        public boolean onTurnThread() {
            return false;
        }

        @Override
        public boolean bookAtTurnEnd(Runnable task) {
            return false;
        }
    };

    /** @return whether the current thread works in turns */
    boolean onTurnThread();

    /**
     * Books {@code task} to run on the current thread, once, when its current turn ends.
     *
     * @return false when nothing was booked: the current thread works in no turns, or takes no more
     *         tasks (it is shutting down)
     */
    boolean bookAtTurnEnd(Runnable task);
}
