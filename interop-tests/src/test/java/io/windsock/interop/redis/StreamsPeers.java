package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeProcess;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The nodes of a cluster on the Redis streams adapter, all with connection state recovery (2 minutes, middlewares
 * skipped): Windsock's ({@code RedisAdapterFactory.Builder.streams()}) and Node's ({@code
 * @socket.io/redis-streams-adapter} 0.3.1 in scripts/redis-node-server.js), on a stream and key prefix of the
 * test's own, so tests do not see each other; the stream is deleted after the test.
 *
 * <p>On every node a client joins {@code auth.room} and {@code auth.rooms} and gets {@code data.name =
 * auth.name}, unless it was recovered (its session brings them back); "shout" is broadcast as "shouted".
 */
final class StreamsPeers implements AfterEachCallback {
    /** A stream entry id, which is what a recovery offset is on this adapter. */
    static final Pattern ENTRY_ID = Pattern.compile("[0-9]+-[0-9]+");

    private final Interop interop;
    private final RedisNodes redis;
    private final String stream = "wst-stream-" + UUID.randomUUID();
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    /** Set for long-polling clients, which a server finds gone only when a ping goes unanswered. */
    private volatile boolean shortPings;

    StreamsPeers(Interop interop, RedisNodes redis) {
        this.interop = interop;
        this.redis = redis;
    }

    /**
     * Makes the nodes started from now on ping every 300 ms and give up 600 ms later: a long-polling client cut
     * off is noticed by its missing pong (Node's server as Windsock), not in the default 45 s.
     */
    void shortPings() {
        shortPings = true;
    }

    /** What a node saw of a connection when it was made. */
    record Joined(String id, boolean recovered, Set<String> rooms, Map<String, Object> data) {
    }

    /** A node of the cluster, Java or Node, as the tests drive it. */
    interface Peer {
        int port();

        default String url() {
            return "http://127.0.0.1:" + port();
        }

        /** Broadcasts from this node to {@code to} (all when empty) except {@code except}. */
        void emit(List<String> to, List<String> except, String event, Object... args);

        /** @return the next connection this node saw */
        Joined connection();

        /**
         * @return the reason (its wire name) of the next disconnection this node saw; only on a peer started to
         *     report them, and every one must then be taken
         */
        String disconnect();
    }

    /** A Windsock node. */
    record JavaPeer(Windsock server, Mailbox<Joined> connections, Mailbox<DisconnectReason> disconnects)
            implements Peer {
        @Override
        public int port() {
            return server.port();
        }

        @Override
        public void emit(List<String> to, List<String> except, String event, Object... args) {
            BroadcastOperator op = server.of("/").broadcast();
            if (!to.isEmpty()) {
                op = op.to(to.toArray(String[]::new));
            }
            if (!except.isEmpty()) {
                op = op.except(except.toArray(String[]::new));
            }
            op.emit(event, args);
        }

        @Override
        public Joined connection() {
            return connections.take();
        }

        @Override
        public String disconnect() {
            return disconnects.take().wire();
        }
    }

    /** A Node socket.io server; its lines must be taken in the order it prints them. */
    static final class NodePeer implements Peer {
        private final NodeProcess process;
        private final Mailbox<JsonNode> lines;
        private final int port;
        private int seq;

        NodePeer(NodeProcess process) {
            this.process = process;
            this.lines = process.mailbox("server");
            this.port = lines.take(line -> type(line, "listening"), "listening").path("port").asInt();
        }

        NodeProcess process() {
            return process;
        }

        Mailbox<JsonNode> lines() {
            return lines;
        }

        @Override
        public int port() {
            return port;
        }

        /** Sends a command and returns its reply, the next line the server prints. */
        JsonNode command(Map<String, Object> command) {
            int id = ++seq;
            Map<String, Object> withSeq = new HashMap<>(command);
            withSeq.put("seq", id);
            process.send(withSeq);
            return lines.take(line -> type(line, "reply") && line.path("seq").asInt() == id, "reply " + id);
        }

        @Override
        public void emit(List<String> to, List<String> except, String event, Object... args) {
            process.send(Map.of("op", "emit", "event", event, "args", List.of(args), "to", to, "except", except));
        }

        @Override
        public Joined connection() {
            JsonNode line = lines.take(l -> type(l, "connection"), "connection");
            Set<String> rooms = new java.util.HashSet<>();
            line.path("rooms").forEach(room -> rooms.add(room.asText()));
            Map<String, Object> data = new LinkedHashMap<>();
            line.path("data").fields().forEachRemaining(field -> data.put(field.getKey(), field.getValue().asText()));
            return new Joined(line.path("id").asText(), line.path("recovered").asBoolean(), rooms, data);
        }

        @Override
        public String disconnect() {
            return lines.take(l -> type(l, "disconnect"), "disconnect").path("reason").asText();
        }

        private static boolean type(JsonNode line, String type) {
            return line.path("type").asText().equals(type);
        }
    }

    String stream() {
        return stream;
    }

    /** @return a factory of streams adapters on this test's stream and key */
    RedisAdapterFactory factory() {
        return redis.streamsFactory(stream, Duration.ofSeconds(5));
    }

    /**
     * Starts a Windsock node; with {@code disconnects}, the test must take every disconnection it sees.
     */
    JavaPeer java(boolean disconnects) {
        Mailbox<Joined> connections = interop.mailbox("java connections");
        Mailbox<DisconnectReason> left = disconnects ? interop.mailbox("java disconnects") : null;
        Windsock server = interop.server(factory(), o -> {
            o.connectionStateRecovery(ConnectionStateRecovery.defaults());
            if (shortPings) {
                o.engine(EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                        .pingTimeout(Duration.ofMillis(600)).build());
            }
            return o;
        });
        server.of("/").onConnection(socket -> {
            Map<String, Object> auth = socket.handshake().auth();
            if (!socket.recovered()) {
                if (auth.get("room") instanceof String room) {
                    socket.join(room);
                }
                if (auth.get("rooms") instanceof List<?> rooms) {
                    rooms.forEach(room -> socket.join((String) room));
                }
                if (auth.get("name") instanceof String name) {
                    socket.data().put("name", name);
                }
            }
            socket.on("shout", (args, ack) -> socket.broadcast().emit("shouted", args.get(0)));
            if (left != null) {
                socket.onDisconnect(left::put);
            }
            connections.put(new Joined(socket.id(), socket.recovered(), Set.copyOf(socket.rooms()),
                    Map.copyOf(socket.data())));
        });
        return new JavaPeer(server, connections, left);
    }

    /**
     * Starts a Node node and waits until it listens (its subscriptions and stream reader in place); with
     * {@code disconnects}, the test must take every disconnection it sees.
     */
    NodePeer node(boolean disconnects) {
        Map<String, Object> params = new HashMap<>(Map.of("redis", RedisNodes.URI, "key", redis.key(),
                "streams", stream, "disconnects", disconnects));
        if (shortPings) {
            params.put("pingInterval", 300);
            params.put("pingTimeout", 600);
        }
        return new NodePeer(interop.script("scripts/redis-node-server.js", params));
    }

    /** @return commands on this test's Redis, on a connection closed after the test */
    synchronized RedisCommands<String, String> redis() {
        if (connection == null) {
            client = RedisClient.create(RedisNodes.URI);
            connection = client.connect();
        }
        return connection.sync();
    }

    /**
     * Waits up to 10 s until Redis holds the session {@code pid} (where Node's adapter keeps it): a node
     * stores it when the socket leaves, without telling when Redis has it, so this asks Redis again until then.
     */
    void awaitSession(String pid) throws InterruptedException {
        String key = "sio:session:" + pid;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (redis().exists(key) == 0) {
            assertTrue(System.nanoTime() - deadline < 0, "no session " + key + " in Redis after 10 s");
            Thread.sleep(20); // polling Redis, not waiting for the code under test to be "probably done"
        }
    }

    /** @return the entry id right after {@code id} */
    static String nextId(String id) {
        int dash = id.indexOf('-');
        return id.substring(0, dash + 1) + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    /** @return the offset ending an event's arguments, checked to be an entry id */
    static String offset(JsonNode args) {
        String last = args.get(args.size() - 1).asText();
        assertTrue(ENTRY_ID.matcher(last).matches(), () -> "a stream entry id last: " + args);
        return last;
    }

    /** @return {@code values} as the JSON a client sees, binary as Buffers */
    static JsonNode json(Object... values) {
        List<Object> list = new ArrayList<>(List.of(values));
        return Json.tree(list);
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        try {
            redis().del(stream);
        } finally {
            connection.close();
            client.shutdown();
            connection = null;
            client = null;
        }
    }
}
