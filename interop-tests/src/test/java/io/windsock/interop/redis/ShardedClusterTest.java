package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What is particular to the sharded adapter: its shard channels per subscription mode, and its server count. */
class ShardedClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SubscriptionMode.class)
    void roomChannelsFollowTheSubscriptionMode(SubscriptionMode mode) throws Exception {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Windsock a = redis.node(mode);
        Windsock b = redis.node(mode);
        a.of("/").onConnection(socket -> {
            socket.join("r");
            connections.put(socket);
        });
        b.of("/").onConnection(connections::put);
        NodeClient client = interop.client();
        ClientSocket a1 = client.connect(interop.url(a, "/"), Map.of("transports", List.of("websocket")));
        a1.expectConnect();
        String id = connections.take().id();
        assertEquals(20, id.length(), "Windsock socket ids are as long as Node's");

        RedisClient raw = RedisClient.create(RedisNodes.URI);
        try (StatefulRedisConnection<String, String> commands = raw.connect()) {
            String base = redis.key() + "#/#";
            LongSupplier room = () -> commands.sync().pubsubShardNumsub(base + "r#").get(base + "r#");
            LongSupplier own = () -> commands.sync().pubsubShardNumsub(base + id + "#").get(base + id + "#");
            RedisNodes.awaitSubscribers("namespace channel", 2,
                    () -> commands.sync().pubsubShardNumsub(base).get(base));
            RedisNodes.awaitSubscribers("room channel", mode == SubscriptionMode.STATIC ? 0 : 1, room);
            RedisNodes.awaitSubscribers("socket channel", mode == SubscriptionMode.DYNAMIC_PRIVATE ? 1 : 0, own);
            assertEquals(2, await(((NamespaceImpl) b.of("/")).adapter().serverCount().toCompletableFuture()));

            // A broadcast to the room reaches its socket on the other node, whichever channel it takes.
            b.to("r").emit("room", 1);
            a1.expectEvent("room");
            b.to(id).emit("own", 2);
            a1.expectEvent("own");

            a1.disconnect();
            a1.expectDisconnect();
            RedisNodes.awaitSubscribers("room channel after the last socket left", 0, room);
            RedisNodes.awaitSubscribers("socket channel after the socket left", 0, own);
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aRequestFailsClearlyWhenANodeDoesNotAnswer() throws Exception {
        Windsock a = interop.server(redis.factory(RedisNodes.URI, Duration.ofMillis(500),
                SubscriptionMode.DYNAMIC), o -> o);
        a.of("/");
        ClientSocket socket = interop.client().connect(interop.url(a, "/"), Map.of("transports", List.of("websocket")));
        socket.expectConnect();
        // A subscriber to the namespace channel that never answers: counted as a node, it stays silent.
        RedisClient raw = RedisClient.create(RedisNodes.URI);
        try (StatefulRedisPubSubConnection<String, String> silent = raw.connectPubSub()) {
            silent.sync().ssubscribe(redis.key() + "#/#");
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> await(a.of("/").fetchSockets()));
            BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failed.getCause());
            assertTrue(timeout.getMessage().contains("FETCH_SOCKETS"), timeout.getMessage());
            ExecutionException noAck = assertThrows(ExecutionException.class,
                    () -> await(a.of("/").serverSideEmitWithAck(Duration.ofMillis(300), "ping")));
            assertInstanceOf(BroadcastTimeoutException.class, noAck.getCause());
        } finally {
            raw.shutdown();
        }
    }
}
