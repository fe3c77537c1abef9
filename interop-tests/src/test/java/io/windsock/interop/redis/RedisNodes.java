package io.windsock.interop.redis;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Windsock nodes joined through the Redis on 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}), each test
 * under its own key prefix so tests can run side by side. Closes its factories after each test
 * (adapters closed after their factory do nothing).
 */
public final class RedisNodes implements AfterEachCallback {
    public static final String URI = System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379");

    private final Interop interop;
    private final String key = "wst-" + UUID.randomUUID();
    private final List<RedisAdapterFactory> factories = new ArrayList<>();

    public RedisNodes(Interop interop) {
        this.interop = interop;
    }

    /** @return this test's key prefix */
    public String key() {
        return key;
    }

    /** @return a factory on this test's prefix, closed after the test */
    public synchronized RedisAdapterFactory factory(Duration requestTimeout) {
        return factory(URI, requestTimeout);
    }

    public synchronized RedisAdapterFactory factory(String uri, Duration requestTimeout) {
        return factory(uri, requestTimeout, null);
    }

    /** @param sharded the sharded adapter's subscription mode, or null for the classic adapter */
    public synchronized RedisAdapterFactory factory(String uri, Duration requestTimeout, SubscriptionMode sharded) {
        RedisAdapterFactory.Builder builder = RedisAdapterFactory.builder().uri(uri).key(key)
                .requestTimeout(requestTimeout);
        if (sharded != null) {
            builder.sharded(sharded);
        }
        RedisAdapterFactory factory = builder.build();
        factories.add(factory);
        return factory;
    }

    /** @return a factory of streams adapters on this test's prefix (their channelPrefix) and stream, closed after the test */
    public synchronized RedisAdapterFactory streamsFactory(String stream, Duration requestTimeout) {
        RedisAdapterFactory factory = RedisAdapterFactory.builder().uri(URI).key(key).streams().streamName(stream)
                .requestTimeout(requestTimeout).build();
        factories.add(factory);
        return factory;
    }

    /** @return a started Windsock node on the Redis cluster of this test, on the classic adapter */
    public Windsock node() {
        return node(null);
    }

    /** @return a started Windsock node on the sharded adapter with this mode (null: the classic adapter) */
    public Windsock node(SubscriptionMode sharded) {
        RedisAdapterFactory factory = factory(URI, Duration.ofSeconds(5), sharded);
        return interop.server(factory, o -> o);
    }

    /**
     * Waits up to 10 s until Redis reports the expected subscriber count. SSUBSCRIBE and SUNSUBSCRIBE follow
     * room changes asynchronously and nothing else tells when Redis applied them, so this asks Redis again
     * until the deadline.
     */
    public static void awaitSubscribers(String what, long expected, LongSupplier count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long last;
        while ((last = count.getAsLong()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": expected " + expected + " subscribers, Redis reports " + last);
            }
            Thread.sleep(20); // polling Redis, not waiting for the code under test to be "probably done"
        }
    }

    /** @return Node's name of a subscription mode ("static", "dynamic", "dynamic-private") */
    public static String nodeName(SubscriptionMode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<RedisAdapterFactory> all;
        synchronized (this) {
            all = new ArrayList<>(factories);
            factories.clear();
        }
        for (RedisAdapterFactory factory : all) {
            factory.close();
        }
    }
}
