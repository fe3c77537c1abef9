package io.windsock.redis.internal;

import static io.windsock.redis.internal.AclTestUser.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.windsock.adapter.Adapter;
import io.windsock.redis.SubscriptionMode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions dropped while Redis is away (a namespace closed, a room left) stay dropped once it is back.
 * Commands fail at once while disconnected (as the factory's own client is set up), so the UNSUBSCRIBE of
 * the outage never reaches Redis, and Lettuce, which still counts the channel as subscribed, subscribes it
 * again on reconnection: the node would then count in other nodes' PUBSUB NUMSUB for a namespace it no
 * longer serves, and their requests would wait for its answer until their timeout. The node reaches the
 * real Redis at 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}) through a forwarder that the test cuts.
 */
class UnsubscribeDuringOutageTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String id = UUID.randomUUID().toString();
    private final String kept = "wsk-" + id;
    private final String gone = "wsg-" + id;
    /** The name the node's connections give Redis: how CLIENT LIST tells them. */
    private final String clientName = "windsock-outage-" + id;
    private TcpForwarder forwarder;
    private RedisConnections redis;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> adminConnection;
    private RedisCommands<String, String> admin;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        forwarder = new TcpForwarder(port, REDIS.getHost(), REDIS.getPort());
        RedisClient client = RedisClient.create(OwnedLettuce.resources());
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        RedisURI through = RedisURI.builder(REDIS).withHost("127.0.0.1").withPort(port).withClientName(clientName)
                .build();
        redis = new RedisConnections(client, through, true);
        redis.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        adminClient = RedisClient.create(REDIS);
        adminConnection = adminClient.connect();
        admin = adminConnection.sync();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            redis.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            forwarder.close();
        } finally {
            adminConnection.close();
            adminClient.shutdown();
        }
    }

    @Test
    void aNamespaceClosedDuringAnOutageIsNotSubscribedAgain() throws Exception {
        RedisAdapter keptNode = start(new RedisAdapter(new RecordingNamespace(Map.of()), redis, codec(), kept, TIMEOUT,
                false));
        RedisAdapter goneNode = start(new RedisAdapter(new RecordingNamespace(Map.of()), redis, codec(), gone, TIMEOUT,
                false));
        List<String> goneChannels = List.of(gone + "-request#/#", gone + "-response#/#",
                gone + "-response#/#" + goneNode.uid() + "#");
        await(() -> subscriptions().equals(List.of(6, 2, 0)), "both namespaces subscribed");

        outage(() -> goneNode.close());

        await(() -> redis.subscriberConnected() && numsub(kept + "-request#/#") == 1,
                "the kept namespace subscribed again");
        await(() -> goneChannels.stream().allMatch(channel -> numsub(channel) == 0),
                "the closed namespace's channels unsubscribed");
        await(() -> subscriptions().equals(List.of(3, 1, 0)),
                "only the kept namespace's channels and pattern");
        keptNode.close();
    }

    @Test
    void shardChannelsOfAClosedNamespaceAndOfALeftRoomAreNotSubscribedAgain() throws Exception {
        ShardedRedisAdapter keptNode = start(new ShardedRedisAdapter(new RecordingNamespace(Map.of()),
                redis, clusterCodec(), kept, SubscriptionMode.DYNAMIC, TIMEOUT));
        ShardedRedisAdapter goneNode = start(new ShardedRedisAdapter(new RecordingNamespace(Map.of()),
                redis, clusterCodec(), gone, SubscriptionMode.DYNAMIC, TIMEOUT));
        keptNode.addAll("s1", Set.of("room"));
        String room = kept + "#/#room#";
        List<String> goneChannels = List.of(gone + "#/#", gone + "#/#" + goneNode.uid() + "#");
        await(() -> shardNumsub(room) == 1 && subscriptions().equals(List.of(0, 0, 5)),
                "both namespaces and the room subscribed");

        outage(() -> {
            keptNode.del("s1", "room");
            goneNode.close();
        });

        await(() -> redis.subscriberConnected() && shardNumsub(kept + "#/#") == 1, "the kept namespace subscribed again");
        await(() -> shardNumsub(room) == 0, "the room left during the outage unsubscribed");
        await(() -> goneChannels.stream().allMatch(channel -> shardNumsub(channel) == 0),
                "the closed namespace's channels unsubscribed");
        await(() -> subscriptions().equals(List.of(0, 0, 2)), "only the kept namespace's channels");
        keptNode.close();
    }

    private static <A extends Adapter> A start(A adapter) throws Exception {
        adapter.init();
        adapter.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return adapter;
    }

    /** Cuts the node off Redis, runs {@code duringOutage} once the subscriber knows, and lets Redis back. */
    private void outage(Runnable duringOutage) throws Exception {
        forwarder.cut();
        await(() -> !redis.subscriberConnected(), "the subscriber saw the outage");
        duringOutage.run();
        forwarder.restore();
    }

    private static WireCodec codec() {
        return new WireCodec(new ObjectMapper());
    }

    private static ClusterCodec clusterCodec() {
        return new ClusterCodec(new ObjectMapper());
    }

    private long numsub(String channel) {
        return admin.pubsubNumsub(channel).values().stream().mapToLong(Long::longValue).sum();
    }

    private long shardNumsub(String channel) {
        return admin.pubsubShardNumsub(channel).values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return the channels, patterns and shard channels the node's connections hold at Redis (CLIENT LIST) */
    private List<Integer> subscriptions() {
        int[] counts = new int[3];
        for (String line : admin.clientList().split("\n")) {
            List<String> fields = Arrays.asList(line.trim().split(" "));
            if (!fields.contains("name=" + clientName)) {
                continue;
            }
            for (String field : fields) {
                String[] pair = field.split("=", 2);
                switch (pair[0]) {
                    case "sub" -> counts[0] += Integer.parseInt(pair[1]);
                    case "psub" -> counts[1] += Integer.parseInt(pair[1]);
                    case "ssub" -> counts[2] += Integer.parseInt(pair[1]);
                    default -> {
                    }
                }
            }
        }
        return List.of(counts[0], counts[1], counts[2]);
    }
}
