package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterNodes.REQUEST_TIMEOUT;
import static io.windsock.redis.internal.ClusterNodes.WAIT;
import static io.windsock.redis.internal.ClusterNodes.assertCross;
import static io.windsock.redis.internal.ClusterNodes.awaitDone;
import static io.windsock.redis.internal.ClusterNodes.nextOtherThanProbe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.SubscriptionMode;
import io.windsock.redis.internal.ClusterNodes.Client;
import io.windsock.testing.CapturedStderr;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole Redis Cluster goes away for some seconds and comes back: every server killed and started again
 * on its ports (a power cut; connections refused meanwhile), or every server stopped and let go on (a
 * partition that drops packets: connections stay open, nothing answers). Meanwhile each Windsock node works
 * alone: its own clients get its broadcasts, what it cannot publish is counted, requests to the other nodes
 * end by their timeout, and new clients connect and join rooms. Then the nodes work as one again, within a
 * bound, and the outage cost a bounded log without stack traces.
 */
class ClusterOutageTest {
    /** Longer than the longest wait between two reconnection attempts (5 s): every connection backs off fully. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    /** How long after the cluster is usable again the nodes may take to work as one. */
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    /** Two factories' log through the outage (about 155 lines measured: a line per failed connection attempt). */
    private static final int MAX_OUTAGE_LOG_LINES = 400;
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();
    @RegisterExtension
    final ClusterNodes nodes = new ClusterNodes(cluster);

    @AfterEach
    void bringBack() throws Exception {
        cluster.restartKilled();
        cluster.resumeEvery();
    }

    /** How the whole cluster goes away and comes back. */
    enum Outage {
        KILLED, PAUSED
    }

    /** Both outages, each on the classic adapter (null) and the sharded one. */
    static Stream<Arguments> outages() {
        return Stream.of(Outage.values()).flatMap(outage -> Stream.of(
                Arguments.of(outage, null), Arguments.of(outage, SubscriptionMode.DYNAMIC)));
    }

    @ParameterizedTest(name = "{0}, sharded: {1}")
    @MethodSource("outages")
    void nodesWorkAloneThroughAnOutageOfTheWholeClusterAndAsOneAfter(Outage outage, SubscriptionMode sharded)
            throws Exception {
        String key = "wso-" + UUID.randomUUID();
        String room = "r1";
        Windsock a = nodes.node(key, sharded, "a");
        Windsock b = nodes.node(key, sharded, "b");
        Client onA = nodes.client(a, "lobby");
        Client onB = nodes.client(b, room);
        assertCross(a, b, room, onA, onB, WAIT);
        int logLinesBefore = stderr.lines().size();

        if (outage == Outage.KILLED) {
            cluster.killEvery();
        } else {
            cluster.pauseEvery();
        }
        long downAt = System.nanoTime();
        // Requests to the other node end by their timeout (or at once); 3 s of slack for a loaded machine.
        CompletableFuture<String> fetch = a.of("/").fetchSockets().handle((sockets, error) -> "settled");
        CompletableFuture<String> ask = a.of("/").serverSideEmitWithAck(REQUEST_TIMEOUT, "ping")
                .handle((acks, error) -> "settled");
        CompletableFuture<String> count = ((NamespaceImpl) a.of("/")).adapter().serverCount().toCompletableFuture()
                .handle((n, error) -> "settled");
        awaitDone(fetch, REQUEST_TIMEOUT.plusSeconds(3));
        awaitDone(ask, REQUEST_TIMEOUT.plusSeconds(3));
        awaitDone(count, REQUEST_TIMEOUT.plusSeconds(3));
        // Each node's own clients still get its broadcasts, and what it could not publish is counted.
        long unpublished = nodes.factory(a).unpublishedCount();
        // To rooms only this node's clients are in: a publish that timed out while the cluster hung was still
        // on its way, and Redis delivers it when it goes on (late, once).
        a.to("lobby").emit("alone", "a");
        assertEquals("[\"alone\",\"a\"]", nextOtherThanProbe(onA));
        b.to(room).emit("alone", "b");
        assertEquals("[\"alone\",\"b\"]", nextOtherThanProbe(onB));
        // Within the request timeout: refused, timed out, or waiting for a connection that is given up by
        // then (a hung node first used now; Lettuce's own connect timeout is 10 s).
        ClusterNodes.eventually(System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(3).toNanos(), () -> assertTrue(
                nodes.factory(a).unpublishedCount() > unpublished, "the broadcast's publish was counted"));
        // A new client connects and joins a room (its connection handler does, after the CONNECT answer:
        // probed until it did).
        Client late = nodes.client(a, room);
        ClusterNodes.awaitProbe(System.nanoTime() + WAIT.toNanos(), WAIT, "no", n -> a.to(room).emit("probe", n), late);
        nodes.closeLastClient();

        // The outage lasts its whole length: what is measured is what happens through it.
        long left = OUTAGE.toNanos() - (System.nanoTime() - downAt);
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        if (outage == Outage.KILLED) {
            cluster.restartKilled();
        } else {
            cluster.resumeEvery();
        }
        long usableAt = System.nanoTime();
        List<String> logged = stderr.lines();
        List<String> outageLog = logged.subList(logLinesBefore, logged.size());

        assertCross(a, b, room, onA, onB, RECOVERY);
        long refreshFailures = outageLog.stream().filter(l -> l.contains("Cannot refresh Redis Cluster topology")).count();
        System.out.printf("%s, %s: working as one %d ms after the cluster was usable; %d log lines in the outage%n",
                outage, sharded == null ? "classic" : sharded, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - usableAt),
                outageLog.size());
        // Before: Lettuce's reload after failed reconnections, once per second per factory, each logged at WARN
        // with a stack trace of some 600 lines (about 5,000 lines here). Now a line per failed connection attempt.
        String shown = String.join("\n", outageLog.subList(0, Math.min(100, outageLog.size())));
        assertEquals(0, refreshFailures, "no failed reload of the slot map logged at WARN:\n" + shown);
        assertTrue(outageLog.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:")),
                "no stack trace:\n" + shown);
        assertTrue(outageLog.size() <= MAX_OUTAGE_LOG_LINES, outageLog.size() + " lines:\n" + shown);
    }
}
