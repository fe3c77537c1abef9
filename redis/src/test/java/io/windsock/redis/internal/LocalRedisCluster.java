package io.windsock.redis.internal;

import io.lettuce.core.KillArgs;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.windsock.testing.HeldPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A private Redis Cluster of three masters, each with one replica, run from the {@code redis-server} on the
 * PATH: on 127.0.0.1 and free ports, each server in its own temporary directory, without persistence, and
 * with a node timeout of 2 s so that a replica takes over within a few seconds of its master's death (and a
 * server stalled for a second on a loaded machine is not taken for dead). {@link #close()} kills every
 * server it started (so does a shutdown hook, should the JVM exit first) and removes the directories.
 */
final class LocalRedisCluster implements AutoCloseable {
    static final int MASTERS = 3;
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    /** Every process started, also one that never answered: all are killed at the end. */
    private final List<Process> processes = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    /** Every port chosen, held until the end (see {@link HeldPort}): no two servers get one, nor does anything else. */
    private final List<HeldPort> held = new ArrayList<>();
    private final RedisClient admin = RedisClient.create();
    private final Thread killOnExit = new Thread(this::killAll, "redis-cluster-kill");

    /** One redis-server: its ports, its process and a connection for commands to it. */
    private record Server(int port, int busPort, Process process, StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> sync() {
            return connection.sync();
        }
    }

    private LocalRedisCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts the servers and makes them one cluster; fails (never skips) when redis-server cannot run. */
    static LocalRedisCluster start() {
        LocalRedisCluster cluster;
        try {
            cluster = new LocalRedisCluster(Files.createTempDirectory("windsock-redis-cluster"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
        try {
            // Every port held before any server binds one: all distinct.
            List<HeldPort> ports = new ArrayList<>();
            for (int i = 0; i < 2 * 2 * MASTERS; i++) {
                ports.add(cluster.holdPort());
            }
            List<Launched> launched = new ArrayList<>();
            for (int i = 0; i < ports.size(); i += 2) {
                launched.add(cluster.launch(ports.get(i), ports.get(i + 1)));
            }
            for (Launched server : launched) {
                cluster.connect(server);
            }
            cluster.join();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return a seed URI for every server started, the dead ones included */
    List<String> uris() {
        return servers.stream().map(s -> "redis://" + HOST + ":" + s.port()).toList();
    }

    /** @return the hash slot of a key or channel, as the cluster computes it (CLUSTER KEYSLOT) */
    long slot(String key) {
        return live().get(0).sync().clusterKeyslot(key);
    }

    /** @return the cluster's nodes as a live server sees them (CLUSTER NODES) */
    Partitions nodes() {
        return ClusterPartitionParser.parse(live().get(0).sync().clusterNodes());
    }

    /** @return the master serving a slot, as a live server sees it */
    RedisClusterNode master(long slot) {
        return nodes().getPartitionBySlot((int) slot);
    }

    /** @return whether a master has a replica that is not marked as failing */
    boolean hasLiveReplica(RedisClusterNode master) {
        return nodes().stream().anyMatch(n -> master.getNodeId().equals(n.getSlaveOf())
                && !n.is(RedisClusterNode.NodeFlag.FAIL) && !n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL));
    }

    /** @return a replica of a master that is not marked as failing */
    RedisClusterNode liveReplica(RedisClusterNode master) {
        return nodes().stream().filter(n -> master.getNodeId().equals(n.getSlaveOf())
                && !n.is(RedisClusterNode.NodeFlag.FAIL) && !n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))
                .findFirst().orElseThrow(() -> new IllegalStateException("no live replica of " + master.getNodeId()));
    }

    /**
     * Stops a node's server (SIGSTOP) until {@link #resume}: as a hung host, it accepts connections and
     * answers nothing. For less than the node timeout, the other servers do not take it for failed.
     */
    void pause(RedisClusterNode node) throws IOException, InterruptedException {
        signal(node, "-STOP");
    }

    /** Lets a server stopped by {@link #pause} go on (SIGCONT). */
    void resume(RedisClusterNode node) throws IOException, InterruptedException {
        signal(node, "-CONT");
    }

    private void signal(RedisClusterNode node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(server(node).process().pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private Server server(RedisClusterNode node) {
        return servers.stream().filter(s -> s.port() == node.getUri().getPort()).findFirst().orElseThrow();
    }

    /** Kills a node's server with SIGKILL and waits for it to be gone. */
    void kill(RedisClusterNode node) throws InterruptedException {
        Server server = server(node);
        server.connection().close();
        server.process().destroyForcibly(); // SIGKILL: no goodbye to the other nodes, as in a crash
        if (!server.process().waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server on port " + server.port() + " survived SIGKILL");
        }
    }

    /**
     * Starts again the server of a node that {@link #kill} killed, on its ports and with its cluster
     * configuration (its node id, its view of the slots): as a crashed master coming back, it rejoins as a
     * replica of the master that took its slots over. Waits until it answers, its replication link is up and
     * no server takes any node for failed.
     */
    void restart(RedisClusterNode node) {
        restart(server(node));
    }

    /** Starts again, as {@link #restart}, every server {@link #kill} killed: a whole cluster for the next test. */
    void restartKilled() {
        for (Server server : List.copyOf(servers)) {
            if (!server.process().isAlive()) {
                restart(server);
            }
        }
    }

    private void restart(Server dead) {
        if (dead.process().isAlive()) {
            throw new IllegalStateException("redis-server on port " + dead.port() + " is still running");
        }
        servers.remove(dead);
        connect(launch(dead.port(), dead.busPort()));
        Server back = servers.get(servers.size() - 1);
        // Back as a master only where it died before a replica took over (a test that failed early).
        await(() -> (back.sync().info("replication").contains("role:master")
                        || back.sync().info("replication").contains("master_link_status:up"))
                        && live().stream().allMatch(s -> ok(s) && ClusterPartitionParser.parse(s.sync().clusterNodes())
                        .stream().noneMatch(n -> n.is(RedisClusterNode.NodeFlag.FAIL)
                                || n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))),
                () -> "the restarted node did not rejoin as a replica:\n" + text(nodes()));
    }

    /** @return the shard channels some client of a node subscribed to there (PUBSUB SHARDCHANNELS) */
    List<String> shardChannels(RedisClusterNode node) {
        return server(node).sync().pubsubShardChannels();
    }

    /** Closes every connection of a node's clients that subscribed to something (CLIENT KILL TYPE PUBSUB). */
    void killSubscribers(RedisClusterNode node) {
        server(node).sync().clientKill(KillArgs.Builder.typePubsub());
    }

    /** @return how many clients of a node last sent it SSUBSCRIBE or SUNSUBSCRIBE (CLIENT LIST) */
    long shardSubscribersSeen(RedisClusterNode node) {
        return server(node).sync().clientList().lines()
                .filter(line -> line.contains(" cmd=ssubscribe ") || line.contains(" cmd=sunsubscribe ")).count();
    }

    /**
     * Waits until a replica of a dead master serves the slot and every live server reports the cluster
     * usable again.
     *
     * @return the new master
     */
    RedisClusterNode awaitFailover(long slot, RedisClusterNode dead) {
        await(() -> {
            RedisClusterNode owner = master(slot);
            return owner != null && !owner.getNodeId().equals(dead.getNodeId())
                    && live().stream().allMatch(LocalRedisCluster::ok);
        }, () -> "no replica of " + dead.getNodeId() + " took over slot " + slot + "; nodes:\n" + text(nodes()));
        return master(slot);
    }

    /** Sets a key on the master of its slot: data for {@link #migrate} to move. */
    void set(String key, String value) {
        server(master(slot(key))).sync().set(key, value);
    }

    /** @return a master other than the given one, not marked as failing: a target for {@link #migrate} */
    RedisClusterNode otherMaster(RedisClusterNode master) {
        return nodes().stream().filter(n -> n.getRole().isUpstream()
                && !n.getNodeId().equals(master.getNodeId()) && !n.is(RedisClusterNode.NodeFlag.FAIL)
                && !n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))
                .findFirst().orElseThrow(() -> new IllegalStateException("no other master:\n" + text(nodes())));
    }

    /**
     * Moves a hash slot from its master to another while every server runs, as {@code redis-cli --cluster
     * reshard} does: the target imports it, the source migrates it, its keys go over (MIGRATE, in batches),
     * then both masters and the others are told the target owns it (CLUSTER SETSLOT NODE; the replicas learn
     * it from the cluster bus). Waits until every live server names the target as the slot's master and
     * reports the cluster usable.
     *
     * @return how many keys were moved
     */
    int migrate(long slot, RedisClusterNode target) {
        int s = (int) slot;
        RedisClusterNode source = master(slot);
        if (source.getNodeId().equals(target.getNodeId())) {
            throw new IllegalArgumentException("slot " + slot + " is already on " + target.getNodeId());
        }
        RedisCommands<String, String> from = server(source).sync();
        RedisCommands<String, String> to = server(target).sync();
        to.clusterSetSlotImporting(s, source.getNodeId());
        from.clusterSetSlotMigrating(s, target.getNodeId());
        int moved = 0;
        for (List<String> keys; !(keys = from.clusterGetKeysInSlot(s, 100)).isEmpty(); moved += keys.size()) {
            from.migrate(HOST, target.getUri().getPort(), 0, WAIT.toMillis(), MigrateArgs.Builder.keys(keys));
        }
        // The target first, as redis-cli: told before the source, it bumps its config epoch and claims the slot.
        to.clusterSetSlotNode(s, target.getNodeId());
        from.clusterSetSlotNode(s, target.getNodeId());
        for (RedisClusterNode other : nodes()) {
            if (other.getRole().isUpstream() && !other.getNodeId().equals(source.getNodeId())
                    && !other.getNodeId().equals(target.getNodeId()) && server(other).process().isAlive()) {
                server(other).sync().clusterSetSlotNode(s, target.getNodeId());
            }
        }
        await(() -> live().stream().allMatch(server -> ok(server) && target.getNodeId().equals(
                        ClusterPartitionParser.parse(server.sync().clusterNodes()).getPartitionBySlot(s).getNodeId())),
                () -> "not every server took " + target.getNodeId() + " for slot " + slot + "'s master:\n" + text(nodes()));
        return moved;
    }

    /** A redis-server started, not yet known to answer. */
    private record Launched(int port, int busPort, Process process) {
    }

    /**
     * Starts a redis-server on these ports without waiting for it; the bus port is not port + 10000, which
     * may be past 65535 or taken.
     */
    private Launched launch(HeldPort heldPort, HeldPort heldBusPort) {
        heldPort.beforeBind();
        heldBusPort.beforeBind();
        return launch(heldPort.port(), heldBusPort.port());
    }

    /** Starts a redis-server on ports this holds (or held, where the system made it let them go). */
    private Launched launch(int port, int busPort) {
        Path nodeDir = dir.resolve(String.valueOf(port));
        Process process;
        try {
            Files.createDirectories(nodeDir);
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", HOST,
                    "--cluster-enabled", "yes", "--cluster-port", String.valueOf(busPort),
                    "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                    "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT.toMillis()),
                    // a replica takes over however long ago it last heard from its master
                    "--cluster-replica-validity-factor", "0",
                    // a replica's first copy of its master's (empty) data, at once rather than after 5 s
                    "--repl-diskless-sync-delay", "0",
                    "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("redis.log").toFile())
                    .start();
            processes.add(process);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server (Debian's package redis-server): the Redis"
                    + " Cluster tests need it on the PATH", e);
        }
        return new Launched(port, busPort, process);
    }

    /**
     * Waits until a launched server answers, and keeps a connection to it. A server that exits because a
     * port was taken (where a held port must be let go before the server binds it) is launched again on
     * other ports, a few times.
     */
    private void connect(Launched launched) {
        for (int attempt = 1; ; attempt++) {
            try {
                connectOnce(launched);
                return;
            } catch (IllegalStateException e) {
                String log = log(dir.resolve(String.valueOf(launched.port())));
                if (launched.process().isAlive() || !log.contains("Address already in use") || attempt == 5) {
                    throw e;
                }
                launched = launch(holdPort(), holdPort());
            }
        }
    }

    private void connectOnce(Launched launched) {
        int port = launched.port();
        Process process = launched.process();
        Path nodeDir = dir.resolve(String.valueOf(port));
        StatefulRedisConnection<String, String> connection = await(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited; its log:\n" + log(nodeDir));
            }
            try {
                return admin.connect(RedisURI.create(HOST, port));
            } catch (RuntimeException notYet) {
                return null;
            }
        }, () -> "redis-server on port " + port + " does not answer; its log:\n" + log(nodeDir));
        servers.add(new Server(port, launched.busPort(), process, connection));
    }

    /** Slots to the masters, every server meets the first, each replica follows its master, as redis-cli does. */
    private void join() {
        int perMaster = 16384 / MASTERS;
        for (int i = 0; i < servers.size(); i++) {
            // distinct config epochs, so that no collision needs resolving before the cluster is ok
            servers.get(i).sync().dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("SET-CONFIG-EPOCH").add(i + 1));
        }
        for (int i = 0; i < MASTERS; i++) {
            int last = i == MASTERS - 1 ? 16383 : (i + 1) * perMaster - 1;
            servers.get(i).sync().clusterAddSlotsRange(Range.create(i * perMaster, last));
        }
        Server first = servers.get(0);
        for (Server server : servers.subList(1, servers.size())) {
            server.sync().dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("MEET").add(HOST).add(first.port()).add(first.busPort()));
        }
        await(() -> servers.stream().allMatch(s -> s.sync().clusterInfo().contains("cluster_known_nodes:" + servers.size())),
                () -> "the servers did not all meet:\n" + text(nodes()));
        for (int i = 0; i < MASTERS; i++) {
            servers.get(MASTERS + i).sync().clusterReplicate(servers.get(i).sync().clusterMyId());
        }
        // Usable, and every server knows each replica's master: the masters vote for a replica only then.
        await(() -> servers.stream().allMatch(s -> ok(s) && replicasKnown(s)
                && (servers.indexOf(s) < MASTERS || s.sync().info("replication").contains("master_link_status:up"))),
                () -> "the cluster did not become ok:\n" + text(nodes()));
    }

    private static boolean ok(Server server) {
        return server.sync().clusterInfo().contains("cluster_state:ok");
    }

    private static boolean replicasKnown(Server server) {
        return ClusterPartitionParser.parse(server.sync().clusterNodes()).stream()
                .filter(n -> n.getSlaveOf() != null).count() == MASTERS;
    }

    private List<Server> live() {
        return servers.stream().filter(s -> s.process().isAlive()).toList();
    }

    private static String text(Partitions nodes) {
        StringBuilder out = new StringBuilder();
        nodes.forEach(n -> out.append(n.getNodeId()).append(' ').append(n.getUri().getPort()).append(' ')
                .append(n.getFlags()).append(" of ").append(n.getSlaveOf()).append(' ')
                .append(n.getSlots().size()).append(" slots\n"));
        return out.toString();
    }

    private static String log(Path nodeDir) {
        try {
            return Files.readString(nodeDir.resolve("redis.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Polls an external process's state, paced, until it gives a result (a non-null value or true); the
     * servers offer no event to wait on. A check's IllegalStateException ends the wait at once (a server
     * exited); any other exception counts as not yet, and is kept as the cause of the timeout.
     */
    private static <T> T await(Supplier<T> check, Supplier<String> failure) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                T result = check.get();
                if (result != null && !Boolean.FALSE.equals(result)) {
                    return result;
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("not within " + WAIT.toSeconds() + " s: " + failure.get(), last);
    }

    private HeldPort holdPort() {
        HeldPort port = HeldPort.hold();
        held.add(port);
        return port;
    }

    private void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        killAll();
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        admin.shutdown();
        held.forEach(HeldPort::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
