package io.windsock.redis.internal;

import static io.windsock.redis.internal.RedisServers.HOST;
import static io.windsock.redis.internal.RedisServers.WAIT;
import static io.windsock.redis.internal.RedisServers.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.windsock.redis.internal.RedisServers.Launched;
import io.windsock.redis.internal.RedisServers.Server;
import io.windsock.testing.HeldPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private Redis Cluster of three masters, each with one replica, run from the {@code redis-server} on the
 * PATH ({@link RedisServers}), with a node timeout of 2 s (unless given) so that a replica takes over within a
 * few seconds of its master's death (and a server stalled for a second on a loaded machine is not taken for dead).
 * Register it as a test class's static field with {@code @RegisterExtension}: it starts before the class's
 * first test and kills every server after its last. It fails (never skips) when redis-server cannot run.
 */
final class LocalRedisCluster implements BeforeAllCallback, AfterAllCallback {
    static final int MASTERS = 3;
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);

    private final Duration nodeTimeout;
    private RedisServers processes;
    private final List<Server> servers = new ArrayList<>();

    /** A cluster whose node timeout is {@link #NODE_TIMEOUT}. */
    LocalRedisCluster() {
        this(NODE_TIMEOUT);
    }

    /** @param nodeTimeout how long a server must be silent before the others take it for failed */
    LocalRedisCluster(Duration nodeTimeout) {
        this.nodeTimeout = nodeTimeout;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        processes = new RedisServers(nodeTimeout);
        try {
            // Every port held before any server binds one: all distinct.
            List<HeldPort> ports = new ArrayList<>();
            for (int i = 0; i < 2 * 2 * MASTERS; i++) {
                ports.add(processes.holdPort());
            }
            List<Launched> launched = new ArrayList<>();
            for (int i = 0; i < ports.size(); i += 2) {
                launched.add(processes.launch(ports.get(i), ports.get(i + 1)));
            }
            for (Launched server : launched) {
                servers.add(processes.connect(server));
            }
            join();
        } catch (RuntimeException | Error e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.clear();
        if (processes != null) {
            processes.close();
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

    /**
     * Stops every server at once (SIGSTOP), as a whole cluster cut off by a partition that drops packets:
     * connections stay open and nothing answers. {@link #resumeEvery} ends it.
     */
    void pauseEvery() throws IOException, InterruptedException {
        signal(servers, "-STOP");
    }

    /** Lets every server go on (SIGCONT), and waits until every one reports the cluster usable. */
    void resumeEvery() throws IOException, InterruptedException {
        signal(servers, "-CONT");
        await(() -> servers.stream().allMatch(LocalRedisCluster::ok),
                () -> "the cluster is not usable again:\n" + text(nodes()));
    }

    private void signal(RedisClusterNode node, String signal) throws IOException, InterruptedException {
        signal(List.of(server(node)), signal);
    }

    private static void signal(List<Server> targets, String signal) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        targets.forEach(server -> command.add(String.valueOf(server.process().pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
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

    /** Kills every server at once, as a whole cluster's outage (a power cut, a network partition from it). */
    void killEvery() throws InterruptedException {
        for (Server server : live()) {
            server.connection().close();
            server.process().destroyForcibly();
        }
        for (Server server : servers) {
            if (!server.process().waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + server.port() + " survived SIGKILL");
            }
        }
    }

    /**
     * Starts again, as {@link #restart}, every server {@link #kill} or {@link #killEvery} killed, all at once
     * (a cluster with all its servers down is usable only once enough of them are back): a whole cluster for
     * the next test.
     */
    void restartKilled() {
        List<Server> dead = servers.stream().filter(s -> !s.process().isAlive()).toList();
        if (dead.isEmpty()) {
            return;
        }
        servers.removeAll(dead);
        List<Launched> launched = dead.stream().map(s -> processes.launch(s.port(), s.busPort())).toList();
        launched.forEach(l -> servers.add(processes.connect(l)));
        awaitRejoined(servers.subList(servers.size() - launched.size(), servers.size()));
    }

    private void restart(Server dead) {
        if (dead.process().isAlive()) {
            throw new IllegalStateException("redis-server on port " + dead.port() + " is still running");
        }
        servers.remove(dead);
        servers.add(processes.connect(processes.launch(dead.port(), dead.busPort())));
        awaitRejoined(servers.subList(servers.size() - 1, servers.size()));
    }

    /**
     * Waits until restarted servers each serve as a master or have their replication link up (back as a
     * master only where it died before a replica took over, or with the whole cluster), every server
     * reports the cluster usable and none takes any node for failed.
     */
    private void awaitRejoined(List<Server> back) {
        List<Server> restarted = List.copyOf(back);
        await(() -> restarted.stream().allMatch(s -> s.sync().info("replication").contains("role:master")
                        || s.sync().info("replication").contains("master_link_status:up"))
                        && live().stream().allMatch(s -> ok(s) && ClusterPartitionParser.parse(s.sync().clusterNodes())
                        .stream().noneMatch(n -> n.is(RedisClusterNode.NodeFlag.FAIL)
                                || n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))),
                () -> "the restarted servers did not rejoin the cluster:\n" + text(nodes()));
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
            from.migrate(RedisServers.HOST, target.getUri().getPort(), 0, WAIT.toMillis(), MigrateArgs.Builder.keys(keys));
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
}
