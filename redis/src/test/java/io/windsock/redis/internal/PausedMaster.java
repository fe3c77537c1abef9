package io.windsock.redis.internal;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A master of a {@link LocalRedisCluster} stopped for a test ({@code SIGSTOP}: its connections stay open and
 * nothing answers), resumed at the latest after the test. Register it after the test's {@link ClusterNodes}, so
 * that it runs first after the test: closing a node waits for Redis.
 */
final class PausedMaster implements AfterEachCallback {
    private final LocalRedisCluster cluster;
    private RedisClusterNode paused;

    PausedMaster(LocalRedisCluster cluster) {
        this.cluster = cluster;
    }

    void pause(RedisClusterNode node) throws Exception {
        paused = node;
        cluster.pause(node);
    }

    void resume() throws Exception {
        RedisClusterNode node = paused;
        paused = null;
        if (node != null) {
            cluster.resume(node);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        resume();
    }
}
