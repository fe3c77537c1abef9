package io.windsock.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Resources for the Lettuce clients that Windsock makes itself (from a URI), and their shutdown.
 * Lettuce's default reconnect delay doubles up to 30 s, so after a long Redis outage a node could
 * take half a minute more to rejoin the cluster; ours doubles from 0.1 s up to 5 s, as
 * {@link ConnectRetry} does for a first connection. Clients given by the application keep their own.
 */
public final class OwnedLettuce {
    /** The longest wait between two reconnection attempts. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(ConnectRetry.MAX_DELAY_MILLIS);

    private OwnedLettuce() {
    }

    /** @return new resources (threads of their own, as {@code RedisClient.create()} makes), shut down by {@link #shutdown}. */
    public static ClientResources resources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(ConnectRetry.FIRST_DELAY_MILLIS),
                        MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * @return how a cluster client Windsock makes keeps its slot map: on each of Lettuce's adaptive triggers
     *         but one (a redirection, a slot without a master, an unknown node) at most once per second
     *         rather than once per 5 s, so that it follows a failover soon after the promotion. The reloads
     *         after failed reconnections and the periodic one (every 30 s, for a failover no trigger saw) are
     *         {@link ClusterSlotMap}'s, which backs off while the whole cluster is down and logs quietly;
     *         Lettuce's would log a stack trace per second through such an outage.
     */
    public static ClusterTopologyRefreshOptions clusterTopologyRefresh() {
        return ClusterTopologyRefreshOptions.builder()
                .disableAdaptiveRefreshTrigger(RefreshTrigger.PERSISTENT_RECONNECTS)
                .adaptiveRefreshTriggersTimeout(ClusterSlotMap.RELOAD_INTERVAL)
                .enablePeriodicRefresh(false)
                .build();
    }

    /**
     * Shuts down a client made with {@link #resources()}, then its resources, which a client given
     * resources leaves running.
     */
    public static CompletableFuture<Void> shutdown(AbstractRedisClient client) {
        ClientResources resources = client.getResources();
        return client.shutdownAsync().handle((v, e) -> null).thenCompose(v -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            resources.shutdown().addListener(f -> done.complete(null));
            return done;
        });
    }
}
