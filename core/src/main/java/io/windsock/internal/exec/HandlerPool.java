package io.windsock.internal.exec;

import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The handler pool of Java 17 to 23: platform threads that run as many handlers at once as the
 * machine has cores, and more while some of them block.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: handing each task to a thread of its own costs a wake-up
 * and a switch per event, and a burst of events read in one network turn would wake a thread for
 * each. Here a task goes to a queue, and a sleeping thread is woken only when fewer threads than
 * {@link #parallelism()} are running handlers; a running thread takes the next task from the queue
 * without sleeping, so a burst costs one wake-up, not one per event.
 *
 * <p>A task handed over by a network event loop ({@link TurnEnds}) wakes no thread at once: the loop
 * wakes as many as its tasks of that turn need (up to {@link #parallelism()}) once, when the turn
 * ends. On a busy core the scheduler often runs a woken thread at once, so a wake per task made the
 * loop and the woken thread take turns for every event of a read; now a turn's events run in one go.
 * A long turn (a loop reading many connections) still wakes a thread every {@link #EARLY_WAKE_EVERY}
 * tasks, so that on a machine with idle cores handlers do not wait for the whole turn.
 *
 * <p>Blocking is allowed. A thread whose current task has run for longer than the blocking
 * threshold is counted out (it no longer holds one of the {@link #parallelism()} slots) by a watch
 * thread that looks every {@code threshold / 2} while tasks wait, and another thread takes its slot.
 * Only a thread that waits is counted out so soon: for a monitor, a lock, a future or a sleep (Java's
 * state), or, where Linux tells ({@link KernelThreadState}), in a native call such as a socket read, seen
 * at two looks in a row (a thread stopped for a garbage collection sleeps too, for a moment). One that
 * runs, or waits for a core, is left its slot until its task has run for {@link #COMPUTING_FACTOR}
 * thresholds: another thread would wait for the same core. On a busy core every handler waits for it
 * now and then, and counted out by time alone the pool grew by a thread every few hundred milliseconds
 * of load (15 to 25 threads on one core after 8 s of closed-loop echoes, where one runs at a time). A
 * handler that computes for long is still counted out, later, so that the others take turns with it.
 * So tasks behind blocked handlers wait at most about 2 thresholds more; the pool grows to as many
 * threads as handlers block at once, up to {@code maxThreads}, where further tasks wait for one to
 * finish. A counted-out thread that finishes its task takes a slot again if one is free, or sleeps.
 *
 * <p>Completions ({@link #executeCompletion}) are the exception to that bound: they complete futures that
 * handlers may be blocked on (an ack's answer or timeout), so a pool whose every thread is taken by such
 * handlers would never run the completions that release them. They are taken before queued events, and
 * when the pool is at its bound and a completion was still not taken at two looks of the watch in a row,
 * a thread beyond the bound runs the waiting completions and ends ({@link HandlerPoolWorker#completionsOnly});
 * at most {@code maxThreads} such threads at once.
 *
 * <p>Idle threads (and the watch thread) retire after the keep-alive time. After {@link #shutdown()},
 * and after {@link #shutdownNow()} too, queued tasks still run, and a task submitted late runs on the
 * submitting thread.
 *
 * <p>A thread that cannot be started (the process is out of threads or memory) is logged at WARN,
 * rate-limited, and nothing is thrown at the submitter, which may be a network thread: the task stays
 * queued for a running thread, or for the next try (the watch tries again while tasks wait).
 *
 * <p>Its parts: this class holds the queue and the counts of threads and run slots, and hands tasks and
 * slots out; each thread is a {@link HandlerPoolWorker}; a {@link HandlerPoolWatch} counts out blocked ones.
 * The package-private fields and methods below are the state and steps those two share with the pool;
 * every one of them is safe to use from any thread.
 */
final class HandlerPool extends AbstractExecutorService {
    private static final Logger log = Loggers.HANDLERS;
    private static final RateLimitedLog startFailures = new RateLimitedLog(log);

    private final int parallelism;
    private final int maxThreads;
    final long keepAliveNanos;
    final long blockedAfterNanos;
    final String namePrefix;
    private final AtomicInteger names = new AtomicInteger();
    /** Starts the pool's threads: {@code Thread::start}, or one that fails, in tests. */
    final Consumer<Thread> starter;
    /** Of every thread of the pool, whichever thread makes it start (see {@link HandlerExecutors#creatorsContextLoader}). */
    final ClassLoader contextLoader = HandlerExecutors.creatorsContextLoader();

    final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Tasks that complete futures handlers may wait for: taken before {@link #queue} (see the class comment). */
    final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
    /** Sleeping workers, the most recently active first: a few warm threads do the work. */
    final ConcurrentLinkedDeque<HandlerPoolWorker> idle = new ConcurrentLinkedDeque<>();
    final Set<HandlerPoolWorker> workers = ConcurrentHashMap.newKeySet();
    /** Live worker threads, bounded by {@link #maxThreads}; those beyond it for completions not counted. */
    final AtomicInteger threads = new AtomicInteger();
    private volatile int largestThreads;
    /** Live threads beyond the bound that run completions only, at most {@link #maxThreads}. */
    private final AtomicInteger completionThreads = new AtomicInteger();
    /** Workers holding a run slot: running tasks and not counted out as blocked. At most {@link #parallelism}. */
    final AtomicInteger active = new AtomicInteger();
    private final HandlerPoolWatch watch = new HandlerPoolWatch(this);

    volatile boolean shutdown;
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** A running task that does not wait keeps its slot for this many blocking thresholds (see the class comment). */
    static final int COMPUTING_FACTOR = 25;
    /** Within one turn of a loop, every this many hand-overs wake a thread at once (see the class comment). */
    static final int EARLY_WAKE_EVERY = 64;

    private final TurnEnds turnEnds;
    /** Per event loop thread: the wake-ups its tasks of the current turn are owed (see the class comment). */
    private final ThreadLocal<LoopWake> loopWakes = ThreadLocal.withInitial(LoopWake::new);

    /**
     * @param parallelism       threads running handlers at once, blocked ones not counted (the cores)
     * @param maxThreads        threads in all, blocked ones included
     * @param keepAlive         how long an idle thread waits for work before it ends
     * @param blockedAfterNanos a task running longer than this counts as blocked
     */
    HandlerPool(int parallelism, int maxThreads, long keepAlive, TimeUnit unit, long blockedAfterNanos,
            String namePrefix) {
        this(parallelism, maxThreads, keepAlive, unit, blockedAfterNanos, namePrefix, TurnEnds.NONE, Thread::start);
    }

    /** @param turnEnds the threads that hand tasks over in turns, and wake the pool at their turns' ends */
    HandlerPool(int parallelism, int maxThreads, long keepAlive, TimeUnit unit, long blockedAfterNanos,
            String namePrefix, TurnEnds turnEnds) {
        this(parallelism, maxThreads, keepAlive, unit, blockedAfterNanos, namePrefix, turnEnds, Thread::start);
    }

    /** @param starter starts each worker and watch thread (tests make it fail) */
    HandlerPool(int parallelism, int maxThreads, long keepAlive, TimeUnit unit, long blockedAfterNanos,
            String namePrefix, TurnEnds turnEnds, Consumer<Thread> starter) {
        if (parallelism < 1 || maxThreads < parallelism || keepAlive <= 0 || blockedAfterNanos <= 0) {
            throw new IllegalArgumentException("parallelism " + parallelism + ", maxThreads " + maxThreads);
        }
        this.parallelism = parallelism;
        this.maxThreads = maxThreads;
        this.keepAliveNanos = unit.toNanos(keepAlive);
        this.blockedAfterNanos = blockedAfterNanos;
        this.namePrefix = Objects.requireNonNull(namePrefix, "namePrefix");
        this.turnEnds = Objects.requireNonNull(turnEnds, "turnEnds");
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    int parallelism() {
        return parallelism;
    }

    /** @return live worker threads, those beyond the bound included. */
    int poolSize() {
        return threads.get() + completionThreads.get();
    }

    /** @return the most worker threads that were alive at once. */
    int largestPoolSize() {
        return largestThreads;
    }

    /** @return tasks waiting for a thread. */
    int queued() {
        return completions.size() + queue.size();
    }

    boolean hasQueued() {
        return !completions.isEmpty() || !queue.isEmpty();
    }

    /** @return the next task to run, a completion first; null if none waits. */
    Runnable nextTask() {
        Runnable completion = completions.poll();
        return completion != null ? completion : queue.poll();
    }

    @Override
    public void execute(Runnable task) {
        enqueue(queue, task);
    }

    /**
     * Runs a task that completes a future a handler may be blocked on, such as an ack's: before queued
     * events, and beyond the thread bound if every thread is taken (see the class comment).
     */
    void executeCompletion(Runnable task) {
        enqueue(completions, task);
    }

    private void enqueue(Queue<Runnable> into, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutdown) {
            task.run();
            return;
        }
        into.add(task);
        if (shutdown && into.remove(task)) {
            task.run(); // raced with shutdown: no worker may be left to take it
            return;
        }
        if (!deferredToLoopTurnEnd()) {
            signalWork();
        }
    }

    /** @return whether the caller is an event loop that will wake the workers when its turn ends */
    private boolean deferredToLoopTurnEnd() {
        if (!turnEnds.onTurnThread()) {
            return false;
        }
        LoopWake wake = loopWakes.get();
        if (wake.owed++ > 0) {
            if (wake.owed % EARLY_WAKE_EVERY == 0) {
                signalWork();
            }
            return true; // the turn's end is already booked
        }
        if (turnEnds.bookAtTurnEnd(wake)) {
            return true;
        }
        wake.owed = 0; // the loop is shutting down: wake now
        return false;
    }

    /** Run by an event loop at the end of a turn in which it handed tasks over; loop thread only. */
    private final class LoopWake implements Runnable {
        int owed;

        @Override
        public void run() {
            int handed = owed;
            owed = 0;
            for (int i = 0; i < Math.min(handed, parallelism); i++) {
                if (active.get() >= parallelism) {
                    break;
                }
                signalWork();
            }
            // Tasks beyond the threads woken wait for those threads to finish theirs: if these block, only
            // the watch counts them out, and no later hand-over may come to wake it.
            if (handed > parallelism || active.get() >= parallelism) {
                watch.ensureLooking();
            }
        }
    }

    /** Gives a free slot, if any, to a sleeping or new worker; else makes sure the watch looks for blocked ones. */
    void signalWork() {
        for (;;) {
            int a = active.get();
            if (a >= parallelism) {
                watch.ensureLooking();
                return;
            }
            if (active.compareAndSet(a, a + 1)) {
                break;
            }
        }
        // This thread now holds a slot for a worker.
        HandlerPoolWorker sleeper;
        while ((sleeper = idle.pollFirst()) != null) {
            if (sleeper.wake()) {
                return;
            }
        }
        if (startWorker()) {
            return;
        }
        // At the thread bound, or no thread could be started: the slot goes back and the task waits
        // for a running thread, or for the watch to try again.
        active.decrementAndGet();
        watch.ensureLooking();
    }

    private boolean startWorker() {
        for (;;) {
            int t = threads.get();
            if (t >= maxThreads) {
                return false;
            }
            if (threads.compareAndSet(t, t + 1)) {
                if (t + 1 > largestThreads) {
                    largestThreads = t + 1; // a statistic: a lost race costs nothing
                }
                break;
            }
        }
        HandlerPoolWorker worker = new HandlerPoolWorker(this, namePrefix + names.incrementAndGet());
        workers.add(worker);
        try {
            starter.accept(worker);
        } catch (Throwable e) {
            // Typically "unable to create native thread". Thrown on, it would reach the submitter (a
            // network thread) and leave the slot taken for good: the caller gives it back instead.
            workers.remove(worker);
            threads.decrementAndGet();
            startFailed("a handler thread", e);
            return false;
        }
        return true;
    }

    /** @return whether no thread can be started for the queue: the bound is reached */
    boolean atThreadBound() {
        return threads.get() >= maxThreads;
    }

    /** Starts a thread beyond the bound that runs the waiting completions and ends; none if {@code maxThreads} such run. */
    void startCompletionThread() {
        for (;;) {
            int c = completionThreads.get();
            if (c >= maxThreads) {
                return;
            }
            if (completionThreads.compareAndSet(c, c + 1)) {
                break;
            }
        }
        HandlerPoolWorker worker = new HandlerPoolWorker(this, namePrefix + names.incrementAndGet(), true);
        workers.add(worker);
        try {
            starter.accept(worker);
        } catch (Throwable e) {
            workers.remove(worker);
            completionThreads.decrementAndGet();
            startFailed("a handler thread for completions", e);
        }
    }

    /** Each of two counts read after its own decrement: the last of two threads leaving at once sees both 0. */
    private boolean noThreads() {
        return threads.get() == 0 && completionThreads.get() == 0;
    }

    void startFailed(String what, Throwable e) {
        startFailures.warn("thread-start", "could not start {}; {} tasks wait for a running thread or the next try ({})",
                what, queued(), e.toString());
    }

    boolean tryTakeSlot() {
        for (;;) {
            int a = active.get();
            if (a >= parallelism) {
                return false;
            }
            if (active.compareAndSet(a, a + 1)) {
                return true;
            }
        }
    }

    void workerExited(HandlerPoolWorker worker) {
        workers.remove(worker);
        (worker.completionsOnly ? completionThreads : threads).decrementAndGet();
        if (noThreads() && shutdown && !hasQueued()) {
            terminated.countDown();
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        for (HandlerPoolWorker w : idle) {
            w.wakeToExit();
        }
        watch.ensureLooking();
        if (noThreads()) {
            // Nothing runs or ever will: whatever is queued runs here (none is, unless racing with execute).
            Runnable task;
            while ((task = nextTask()) != null) {
                task.run();
            }
            terminated.countDown();
        }
    }

    /**
     * Shuts down and interrupts the running tasks, but unlike other executors does not take the
     * queued ones away: they carry connections' bookkeeping (a serial executor's turn, an ack's
     * completion, a close's last task), which nobody would run from a returned list. The pool's
     * threads still run them, a blocked one still replaced, so the caller waits for none of them.
     *
     * @return an empty list: no task is taken from the queue
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        for (HandlerPoolWorker w : workers) {
            if (w.taskStart != 0) { // only tasks running now: those that start later begin uninterrupted
                w.interrupt();
            }
        }
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }
}
