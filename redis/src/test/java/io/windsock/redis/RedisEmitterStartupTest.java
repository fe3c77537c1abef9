package io.windsock.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String key = "wse-" + System.nanoTime();
        RedisClient raw = RedisClient.create(REDIS);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<byte[], byte[]> subscriber = raw.connectPubSub(ByteArrayCodec.INSTANCE);
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
            try (Forwarder redisBack = new Forwarder(port, REDIS.getHost(), REDIS.getPort())) {
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

    /** Forwards every connection on a local port to Redis, until closed. */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket server;

        Forwarder(int port, String host, int targetPort) throws IOException {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(host, targetPort);
                        pump(in, out);
                        pump(out, in);
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "redis-forwarder");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pump(Socket from, Socket to) {
            Thread pump = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ended) {
                    // either side closed
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
