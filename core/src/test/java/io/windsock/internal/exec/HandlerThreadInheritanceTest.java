package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The default executor's threads take nothing from the thread that made them start (a handler, a
 * network thread, a Redis client thread): no inheritable thread-locals, and the context class loader of
 * the thread that built the executor, not the starter's. Real threads.
 */
class HandlerThreadInheritanceTest {
    private static final InheritableThreadLocal<String> REQUEST = new InheritableThreadLocal<>();

    private final ClassLoader builderLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());
    private final ClassLoader starterLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());

    @Test
    void theDefaultExecutorsThreadsTakeTheBuildersLoaderAndNoThreadLocals() throws Exception {
        // The pool before Java 24, a virtual thread per task from it.
        ExecutorService executor = built(() -> HandlerExecutors.newDefault(TurnEnds.NONE));
        try {
            CompletableFuture<Seen> seen = new CompletableFuture<>();
            fromAnotherThread(() -> executor.execute(() -> seen.complete(Seen.here())));
            assertNothingInherited(seen.get(10, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void thePoolsWorkersAndWatchTakeTheBuildersLoaderAndNoThreadLocals() throws Exception {
        HandlerPool pool = built(() -> new HandlerPool(1, 4, 60, TimeUnit.SECONDS,
                HandlerExecutors.BLOCKED_AFTER_NANOS, "test-inherit-"));
        CountDownLatch release = new CountDownLatch(1);
        try {
            CompletableFuture<Seen> first = new CompletableFuture<>();
            CompletableFuture<Seen> second = new CompletableFuture<>();
            fromAnotherThread(() -> {
                pool.execute(() -> { // the pool's first thread, started by this one
                    first.complete(Seen.here());
                    await(release);
                });
                first.join();
                pool.execute(() -> second.complete(Seen.here())); // the slot is taken: this one starts the watch
            });
            assertNothingInherited(first.get(10, TimeUnit.SECONDS));
            assertNothingInherited(second.get(10, TimeUnit.SECONDS)); // the watch started its thread
            Optional<Thread> watch = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("test-inherit-watch")).findAny();
            assertTrue(watch.isPresent(), "the watch runs");
            assertSame(builderLoader, watch.get().getContextClassLoader());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private void assertNothingInherited(Seen seen) {
        assertNull(seen.request, "an inheritable thread-local of the thread that made it start");
        assertSame(builderLoader, seen.loader, "the context loader of the thread that built the executor");
    }

    /** Builds on this thread with {@link #builderLoader} as its context loader. */
    private <T> T built(Supplier<T> build) {
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        current.setContextClassLoader(builderLoader);
        try {
            return build.get();
        } finally {
            current.setContextClassLoader(before);
        }
    }

    /** Runs on a new thread that carries a request thread-local and {@link #starterLoader}. */
    private void fromAnotherThread(Runnable action) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            REQUEST.set("request 1");
            try {
                action.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "test-starter");
        starter.setContextClassLoader(starterLoader);
        starter.start();
        done.get(10, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Seen(String request, ClassLoader loader) {
        static Seen here() {
            return new Seen(REQUEST.get(), Thread.currentThread().getContextClassLoader());
        }
    }
}
