package io.windsock.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer during or before it: the build must not pass
 * with a {@code LEAK:} line in its log. Registered for every test class through JUnit's extension
 * auto-detection (see the parent pom's surefire configuration), which also sets Netty's leak
 * detection to paranoid, so every buffer is tracked.
 *
 * <p>Netty notices a leak only when a leaked buffer has been garbage-collected and a later buffer is
 * tracked. After each class this collects garbage and allocates a few buffers to give it that chance;
 * a leak found late is reported by the class that found it, with the records that say where it began.
 */
public final class LeakCheck implements AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    /** Collections and allocation rounds after each class; a leak not seen by then is caught by a later class. */
    private static final int ROUNDS = 3;

    static {
        // Must run before Netty creates its buffer leak detector, i.e. before the first buffer: the
        // extension is loaded when JUnit starts the first test class, ahead of that class's code.
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < ROUNDS && LEAKS.isEmpty(); i++) {
            System.gc();
            touchDetectors();
        }
        List<String> found = new ArrayList<>();
        String leak;
        while ((leak = LEAKS.poll()) != null) {
            found.add(leak);
        }
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " leaked Netty buffer(s) reported after "
                    + context.getDisplayName() + " (the leak may come from an earlier class in this JVM):\n"
                    + String.join("\n", found));
        }
    }

    /** Tracking a new buffer makes a detector report what the collector found unreachable. */
    private static void touchDetectors() {
        for (int i = 0; i < 8; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            pooled.release();
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
            heap.release();
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            super.reportTracedLeak(resourceType, records);
            LEAKS.add("LEAK: " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            super.reportUntracedLeak(resourceType);
            LEAKS.add("LEAK: " + resourceType + " (no records: raise the leak detection level)");
        }
    }
}
