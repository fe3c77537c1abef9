package io.windsock.redis.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The names of one kind (channels, patterns or shard channels) that Redis confirmed to the subscriber, as
 * its pushes and replies tell, each with the node that confirmed it. Updated on Redis I/O threads (on a
 * cluster, those of several node connections); read from any thread.
 *
 * <p>On a cluster a shard channel can be confirmed by more than one node in turn: after a failover or a slot
 * move its subscription is made again on the new master, and the old one may then confirm an unsubscription
 * (a master that lost the slot drops the slot's subscriptions and says so). Such a late confirmation undoes
 * the old node's subscription only: undoing the name would leave this node counting itself on top of a
 * SHARDNUMSUB that already counts it, and every request would wait for one answer too many. Only the answer
 * to an unsubscription this server asked for undoes the name at every node (see {@link #unsubscribedEverywhere}).
 */
final class ConfirmedNames {
    /** The node of a confirmation where the node does not matter: one server, or classic pub/sub. */
    static final String ANY_NODE = "";

    /** Which node's confirmation of a name its count (NUMSUB, SHARDNUMSUB) sees now; null if none known. */
    private final Function<String, String> countingNode;
    /**
     * Confirmed, and not undone by a push since. Lettuce keeps the same and subscribes it again on each
     * reconnection, also a name whose UNSUBSCRIBE failed during an outage.
     */
    private final Map<String, Set<String>> kept = new ConcurrentHashMap<>();
    /** Confirmed since the subscriber last connected: what Redis counts for this node now. */
    private final Map<String, Set<String>> live = new ConcurrentHashMap<>();
    /** The node a reply was taken for, not yet confirmed by its push (which follows it at once). */
    private final Map<String, String> guessed = new ConcurrentHashMap<>();

    /** Names whose node does not matter. */
    ConfirmedNames() {
        this(name -> ANY_NODE);
    }

    /** @param countingNode the node whose count of a name matters now (the owner of its slot), or null */
    ConfirmedNames(Function<String, String> countingNode) {
        this.countingNode = countingNode;
    }

    /*
     * The updates below are synchronized: they come from the I/O threads of several node connections, and
     * each reads the records before it writes them (a reply's guess, a push undoing it, an unsubscription
     * at the counting node). Interleaved, a guess saved after the push that should have undone it would
     * later remove a real subscription. They are rare (subscriptions, not messages); reads take no lock.
     */

    /** A subscription confirmed by a node: its push, or a reply from a known node. */
    synchronized void subscribed(String name, String node) {
        String guess = guessed.remove(name);
        if (guess != null && !guess.equals(node)) {
            // The reply's command went to another node than the slot map named then: the guess is undone.
            remove(kept, name, guess);
            remove(live, name, guess);
        }
        add(kept, name, node);
        add(live, name, node);
    }

    /**
     * A subscription confirmed by a reply, whose node the reply does not tell: taken for now as the node
     * that counts the name, which the command was most likely routed to. Lettuce completes the command
     * before it tells the listeners of the same answer, so whoever waits for the reply sees the name
     * confirmed; the push, which names the node and follows at once on the same thread, corrects the guess
     * (the slot map may have changed between routing and reply).
     */
    synchronized void subscribedAtCountingNode(String name) {
        String node = countingNode.apply(name);
        if (node == null) {
            return;
        }
        Set<String> nodes = live.get(name);
        if (nodes == null || !nodes.contains(node)) {
            guessed.put(name, node);
        }
        add(kept, name, node);
        add(live, name, node);
    }

    /**
     * An unsubscription confirmed by a node, asked for or not: undoes that node's subscription only. A former
     * master that lost the slot says so by itself, and may do so after the new master confirmed: Lettuce's
     * slot map, which tells the counting node, can still name the former master then (it is updated after the
     * topology change that subscribes again on the new one is published).
     */
    synchronized void unsubscribed(String name, String node) {
        remove(kept, name, node);
        remove(live, name, node);
        guessed.remove(name, node);
    }

    /**
     * An unsubscription this server asked for was answered: the name is undone at every node. A dead former
     * master, whose subscription moved to a new master on a failover, never confirms its own undoing, and its
     * record would otherwise stay for good (and be unsubscribed again on each reconnection).
     */
    synchronized void unsubscribedEverywhere(String name) {
        kept.remove(name);
        live.remove(name);
        guessed.remove(name);
    }

    /** The subscriber lost its connection: Redis dropped its subscriptions (Lettuce keeps them to renew). */
    synchronized void disconnected() {
        live.clear();
        guessed.clear();
    }

    /** @return whether the node that counts the name now confirmed it since the subscriber last connected */
    boolean isLive(String name) {
        Set<String> nodes = live.get(name);
        if (nodes == null) {
            return false;
        }
        String node = countingNode.apply(name);
        return node != null && nodes.contains(node);
    }

    /** @return whether some node confirmed the name and no answer undid it since (Redis may still have it) */
    boolean isKept(String name) {
        return kept.containsKey(name);
    }

    /** @return a copy of the names Lettuce subscribes again on a reconnection */
    List<String> kept() {
        return List.copyOf(kept.keySet());
    }

    private static void add(Map<String, Set<String>> map, String name, String node) {
        map.compute(name, (k, nodes) -> {
            Set<String> set = nodes != null ? nodes : ConcurrentHashMap.newKeySet();
            set.add(node);
            return set;
        });
    }

    private static void remove(Map<String, Set<String>> map, String name, String node) {
        map.computeIfPresent(name, (k, nodes) -> {
            nodes.remove(node);
            return nodes.isEmpty() ? null : nodes;
        });
    }
}
