package io.windsock.interop.harness;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a test waits for: items arrive from any thread (a server listener, a Node script's output) and
 * the test takes them in order, each wait bounded by a timeout. A timeout fails the test with what
 * did arrive. Once closed (its source is gone), waiting on an empty mailbox fails at once.
 *
 * <p>Register a mailbox with {@link Interop#mailbox} and the test also fails if anything is left in it
 * at the end: every item must be expected.
 */
public final class Mailbox<T> {
    /** How long a wait lasts unless told otherwise ({@code -Dwindsock.interop.timeout.ms}). */
    public static final Duration DEFAULT_TIMEOUT =
            Duration.ofMillis(Long.getLong("windsock.interop.timeout.ms", 10_000));

    private final String name;
    private final Supplier<String> diagnostics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final List<T> taken = new ArrayList<>();
    private String closedBecause;

    public Mailbox(String name) {
        this(name, () -> "");
    }

    /** @param diagnostics more to print when a wait fails, e.g. a process's stderr */
    public Mailbox(String name, Supplier<String> diagnostics) {
        this.name = name;
        this.diagnostics = diagnostics;
    }

    public String name() {
        return name;
    }

    public void put(T item) {
        lock.lock();
        try {
            items.add(item);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more items will come; waits on an empty mailbox fail with this reason. */
    public void close(String reason) {
        lock.lock();
        try {
            if (closedBecause == null) {
                closedBecause = reason;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return the next item, waiting up to {@link #DEFAULT_TIMEOUT}. */
    public T take() {
        return take(DEFAULT_TIMEOUT);
    }

    /** @return the next item, waiting up to {@code timeout}. */
    public T take(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (items.isEmpty()) {
                if (closedBecause != null) {
                    throw failure("nothing more will come: " + closedBecause);
                }
                if (nanos <= 0) {
                    throw failure("nothing arrived within " + timeout.toMillis() + " ms");
                }
                nanos = changed.awaitNanos(nanos);
            }
            T item = items.poll();
            taken.add(item);
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** @return the next item, which must match; any other item fails the test. */
    public T take(Predicate<? super T> expected, String description) {
        T item = take();
        if (!expected.test(item)) {
            throw failure("expected " + description + " but got " + item);
        }
        return item;
    }

    /** @return the items there now, removed; never waits. */
    public List<T> drain() {
        lock.lock();
        try {
            List<T> all = new ArrayList<>(items);
            taken.addAll(items);
            items.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** @return the items not taken yet, left in place. */
    public List<T> pending() {
        lock.lock();
        try {
            return new ArrayList<>(items);
        } finally {
            lock.unlock();
        }
    }

    /** Fails if an item is waiting that nobody took. */
    public void assertEmpty() {
        List<T> left = pending();
        if (!left.isEmpty()) {
            throw failure("unexpected: " + left);
        }
    }

    private AssertionError failure(String what) {
        List<T> history;
        lock.lock();
        try {
            history = new ArrayList<>(taken);
        } finally {
            lock.unlock();
        }
        int from = Math.max(0, history.size() - 10);
        String more = diagnostics.get();
        return new AssertionError(name + ": " + what + "\n  taken before (last 10): " + history.subList(from, history.size())
                + (more == null || more.isEmpty() ? "" : "\n" + more));
    }

    @Override
    public String toString() {
        return "Mailbox[" + name + "]";
    }
}
