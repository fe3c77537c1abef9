package io.windsock.internal.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One virtual thread per task (Java 21+ API, reached through method handles because the project
 * compiles for Java 17: one class, no multi-release jar, nothing new in the module descriptor or the
 * API listing). Threads are named {@code windsock-handler-N}, which is also how
 * {@link HandlerExecutors#isHandlerThread()} knows them: a virtual thread cannot be a subclass, and the
 * name costs nothing per task, where a thread-local would allocate a map per thread, so per task.
 *
 * <p>After {@link #shutdown()} a task submitted late runs on the submitting thread, as in the pool.
 * Shutdown and termination are the JDK's thread-per-task executor's: {@code shutdown()} waits for
 * nothing, {@code awaitTermination} waits for the running tasks, {@code shutdownNow()} interrupts them.
 */
final class VirtualThreadExecutor extends AbstractExecutorService {
    private static final MethodHandle IS_VIRTUAL = findIsVirtual();

    private final ExecutorService threadPerTask;

    private VirtualThreadExecutor(ExecutorService threadPerTask) {
        this.threadPerTask = threadPerTask;
    }

    /** @throws UnsupportedOperationException on a runtime without virtual threads (before Java 21). */
    static ExecutorService create(String namePrefix) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Object b = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
            b = lookup.findVirtual(ofVirtual, "name", MethodType.methodType(ofVirtual, String.class, long.class))
                    .invoke(b, namePrefix, 1L);
            // As the pool's threads (see HandlerExecutors.creatorsContextLoader): nothing inherited from
            // whichever thread submits the task, and the loader of the thread creating this executor.
            b = lookup.findVirtual(ofVirtual, "inheritInheritableThreadLocals",
                    MethodType.methodType(ofVirtual, boolean.class)).invoke(b, false);
            ThreadFactory virtual = (ThreadFactory) lookup
                    .findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class)).invoke(b);
            ClassLoader contextLoader = HandlerExecutors.creatorsContextLoader();
            ThreadFactory factory = task -> {
                Thread thread = virtual.newThread(task);
                thread.setContextClassLoader(contextLoader);
                return thread;
            };
            ExecutorService threadPerTask = (ExecutorService) lookup.findStatic(java.util.concurrent.Executors.class,
                    "newThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class, ThreadFactory.class))
                    .invoke(factory);
            return new VirtualThreadExecutor(threadPerTask);
        } catch (Throwable e) {
            throw new UnsupportedOperationException("virtual threads are not available on Java "
                    + Runtime.version().feature(), e);
        }
    }

    /** @return whether {@code thread} is virtual; false before Java 21. */
    static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle findIsVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (threadPerTask.isShutdown()) {
            task.run();
            return;
        }
        try {
            threadPerTask.execute(task);
        } catch (RejectedExecutionException e) {
            // Shut down between the check and the hand-off: late, so inline. Anything else is unexpected.
            if (!threadPerTask.isShutdown()) {
                throw e;
            }
            task.run();
        }
    }

    @Override
    public void shutdown() {
        threadPerTask.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return threadPerTask.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return threadPerTask.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return threadPerTask.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threadPerTask.awaitTermination(timeout, unit);
    }
}
