package io.windsock.examples.chat;

import io.windsock.Windsock;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a chat with rooms, presence, typing, acknowledged and private messages. One port serves
 * the page ({@code web/} beside this class), the socket.io browser client and the chat itself.
 *
 * <pre>
 * mvn -q -B -pl examples -am compile exec:java        # then open http://localhost:8001/
 * # several nodes of one chat, on the Redis at 127.0.0.1:6379:
 * mvn -q -B -pl examples -am compile exec:java -Dexec.args="--redis redis://127.0.0.1:6379"
 * mvn -q -B -pl examples -am compile exec:java -Dexec.args="--redis redis://127.0.0.1:6379 --port 8002"
 * </pre>
 *
 * <p>On Redis, broadcasts and {@code fetchSockets} go through the Redis adapter and the nicknames live
 * in Redis itself ({@link RedisNicknames}): a claim is one atomic {@code SET NX} with an expiry the
 * owner's node keeps extending, so a name is taken once across the cluster and a crashed node's names
 * expire by themselves.
 */
public final class ChatServer {
    /** Prefix of the demo's Redis channels and keys, so that it shares a Redis with other applications. */
    public static final String DEFAULT_PREFIX = "windsock-chat";

    private ChatServer() {
    }

    /** Starts the chat alone, nicknames in memory, on a port (0 picks a free one); {@link Windsock#port()} tells which. */
    public static Windsock start(String host, int port) {
        return start(host, port, null, Nicknames.inMemory());
    }

    /**
     * Starts one node of a chat shared through Redis: every node started on the same Redis and prefix
     * serves the same rooms and nicknames.
     *
     * @param prefix of the adapter's channels and of the nickname keys ({@link #DEFAULT_PREFIX})
     * @throws IllegalStateException when Redis cannot be reached within 5 s, or the server does not start
     */
    public static Node startNode(String host, int port, String redisUri, String prefix) {
        Duration timeout = Duration.ofSeconds(5);
        RedisAdapterFactory adapter = RedisAdapterFactory.builder().uri(redisUri).key(prefix).requestTimeout(timeout).build();
        RedisNicknames nicknames = null;
        try {
            adapter.connected().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            nicknames = new RedisNicknames(redisUri, prefix, RedisNicknames.DEFAULT_TTL);
            return new Node(start(host, port, adapter, nicknames), nicknames, adapter);
        } catch (Exception e) {
            if (nicknames != null) {
                nicknames.close();
            }
            adapter.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start a chat node on " + redisUri + ", port " + port + ": " + e, e);
        }
    }

    private static Windsock start(String host, int port, RedisAdapterFactory adapter, Nicknames nicknames) {
        Windsock.Builder builder = Windsock.builder()
                .options(WindsockOptions.builder().host(host).port(port).serveClient(true)
                        // socket.io-client 0.9 pages (?client=0.9) too, on the safe default transports.
                        .protocol1(Protocol1Options.DEFAULT)
                        .build());
        if (adapter != null) {
            builder.adapter(adapter);
        }
        return builder
                .staticResources("/", "io/windsock/examples/chat/web")
                .connections("/", () -> new ChatConnection(nicknames))  // one registry shared by every connection
                .build()
                .start();
    }

    /** A started chat node on Redis. {@link #close()} stops the server, then gives up its names and Redis connections. */
    public static final class Node implements AutoCloseable {
        private final Windsock server;
        private final Nicknames nicknames;
        private final RedisAdapterFactory adapter;

        private Node(Windsock server, Nicknames nicknames, RedisAdapterFactory adapter) {
            this.server = server;
            this.nicknames = nicknames;
            this.adapter = adapter;
        }

        public Windsock server() {
            return server;
        }

        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.stop();       // every onClose has run: the names of its sockets are released
            nicknames.close();
            adapter.close();
        }
    }

    /** {@code [--port 8001] [--redis redis://host:6379]}; {@code -Dport=} still sets the port. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.getInteger("port", 8001);
        String redis = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if ("--port".equals(args[i]) && value != null) {
                port = Integer.parseInt(value);
            } else if ("--redis".equals(args[i]) && value != null) {
                redis = value;
            } else {
                System.err.println("usage: ChatServer [--port 8001] [--redis redis://127.0.0.1:6379]");
                System.exit(2);
            }
            i++;
        }
        AutoCloseable running;
        int actualPort;
        if (redis == null) {
            Windsock server = start("0.0.0.0", port);
            running = server;
            actualPort = server.port();
        } else {
            Node node = startNode("0.0.0.0", port, redis, DEFAULT_PREFIX);
            running = node;
            actualPort = node.port();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "windsock-shutdown"));
        System.out.println("Windsock chat is up: open http://localhost:" + actualPort + "/ in two browser windows"
                + (redis == null ? "" : " (one chat with every node on " + redis + ")") + " (Ctrl-C stops it)");
        stopped.await();
    }
}
