package io.windsock.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.windsock.redis.internal.TcpForwarder;
import io.windsock.testing.HeldPort;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An emitter built while Redis cannot be reached fails its calls at once, and works once Redis
 * answers (its connection is tried again; before, the first failed attempt was final and every call
 * failed for the emitter's whole life). Redis "comes back" as a forwarder to the real one, opened on
 * the port the emitter was given.
 */
class RedisEmitterStartupTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));

    @Test
    void anEmitterBuiltBeforeRedisAnswersWorksOnceItDoes() throws Exception {
        // Held, so that nothing else takes the port while Redis is "away" (see HeldPort).
        HeldPort held = HeldPort.hold();
        int port = held.port();
        String key = "wse-" + System.nanoTime();
        RedisClient raw = RedisClient.create(REDIS);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (held; StatefulRedisPubSubConnection<byte[], byte[]> subscriber = raw.connectPubSub(ByteArrayCodec.INSTANCE);
             RedisEmitter emitter = RedisEmitter.builder().uri("redis://127.0.0.1:" + port).key(key).build()) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    received.add(new String(channel, StandardCharsets.UTF_8));
                }
            });
            subscriber.sync().subscribe((key + "#/#").getBytes(StandardCharsets.UTF_8));
            ExecutionException early = assertThrows(ExecutionException.class,
                    () -> emitter.emit("ev", 1).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, early.getCause(), "fails at once, not after a wait");
            held.beforeBind();
            try (TcpForwarder redisBack = new TcpForwarder(port, REDIS.getHost(), REDIS.getPort())) {
                // The emitter tries again every 5 s at most: its first emit that Redis takes arrives.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (true) {
                    try {
                        emitter.emit("ev", 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
                        break;
                    } catch (ExecutionException notYet) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("the emitter never connected", notYet);
                        }
                        received.poll(100, TimeUnit.MILLISECONDS); // nothing arrives meanwhile: a paced wait
                    }
                }
                assertEquals(key + "#/#", received.poll(10, TimeUnit.SECONDS));
            }
        } finally {
            raw.shutdown();
        }
    }
}
