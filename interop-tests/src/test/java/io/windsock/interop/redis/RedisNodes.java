package io.windsock.interop.redis;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.redis.RedisAdapterFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
        RedisAdapterFactory factory = RedisAdapterFactory.builder().uri(uri).key(key)
                .requestTimeout(requestTimeout).build();
        factories.add(factory);
        return factory;
    }

    /** @return a started Windsock node on the Redis cluster of this test */
    public Windsock node() {
        RedisAdapterFactory factory = factory(Duration.ofSeconds(5));
        return interop.server(factory, o -> o);
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
