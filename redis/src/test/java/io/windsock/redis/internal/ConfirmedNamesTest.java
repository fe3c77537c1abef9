package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Shard channel confirmations on a cluster, fed in the orders a failover or a slot move can bring: the
 * channel counts as subscribed when the master that owns its slot now (the node PUBSUB SHARDNUMSUB asks)
 * confirmed it, whatever other nodes said before or after.
 */
class ConfirmedNamesTest {
    private static final String CHANNEL = "socket.io#/#";

    /** The slot's master as the test's slot map has it. */
    private final AtomicReference<String> owner = new AtomicReference<>("old");
    private final SubscriptionConfirmations confirmations = new SubscriptionConfirmations(name -> owner.get());
    private final RedisClusterPubSubListener<byte[], byte[]> pushes = confirmations.perNode((channel, node) -> { });

    @Test
    void theOldMastersLateUnsubscriptionLeavesTheNewMastersSubscription() {
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        owner.set("new"); // the slot map changed: the channel is subscribed again on the new master
        pushes.ssubscribed(node("new"), bytes(CHANNEL), 1);
        // The old master, which lost the slot, drops the slot's subscriptions, and says so after that.
        pushes.sunsubscribed(node("old"), bytes(CHANNEL), 0);

        assertTrue(confirmations.shardChannels.isLive(CHANNEL), "the new master counts this node");
        assertEquals(List.of(CHANNEL), confirmations.shardChannels.kept(), "Lettuce keeps it on the new master");
    }

    /**
     * A slot move as the subscriptions see it: the topology change event, with the new map, subscribes again
     * on the new master before Lettuce's own map (which tells the counting node) names it.
     */
    @Test
    void theOldMastersUnsubscriptionBeforeLettucesMapChangedLeavesTheNewMastersSubscription() {
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        // Subscribed again on the new master named by the event; Lettuce's map still names the old one.
        confirmations.shardChannels.subscribed(CHANNEL, "new");
        // The old master, which lost the slot, drops the slot's subscriptions by itself.
        pushes.sunsubscribed(node("old"), bytes(CHANNEL), 0);
        owner.set("new"); // Lettuce applied the new map

        assertTrue(confirmations.shardChannels.isLive(CHANNEL), "the new master counts this node");
        assertEquals(List.of(CHANNEL), confirmations.shardChannels.kept(), "Lettuce keeps it on the new master");
    }

    @Test
    void leavingAfterAFailoverForgetsTheDeadMastersSubscription() {
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        owner.set("new"); // a failover: the old master is dead and never confirms anything again
        pushes.ssubscribed(node("new"), bytes(CHANNEL), 1);

        // The room is left: the answer to this server's SUNSUBSCRIBE, then its push.
        confirmations.shardChannels.unsubscribedEverywhere(CHANNEL);
        pushes.sunsubscribed(node("new"), bytes(CHANNEL), 0);
        assertFalse(confirmations.shardChannels.isLive(CHANNEL));
        assertEquals(List.of(), confirmations.shardChannels.kept(), "nothing to unsubscribe on a reconnection");

        owner.set("old"); // the slot back on the old master: no stale record of it counts there either
        assertFalse(confirmations.shardChannels.isLive(CHANNEL));
    }

    @Test
    void beforeTheNewMasterConfirmedTheChannelIsNotCounted() {
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));

        owner.set("new"); // a failover: the dead master never said anything
        assertFalse(confirmations.shardChannels.isLive(CHANNEL), "the new master does not count this node yet");

        pushes.ssubscribed(node("new"), bytes(CHANNEL), 1);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));
    }

    @Test
    void aReplyCountsForTheMasterItWasRoutedTo() {
        owner.set("new");
        confirmations.shardChannels.subscribedAtCountingNode(CHANNEL);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));

        pushes.sunsubscribed(node("old"), bytes(CHANNEL), 0);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));
        pushes.sunsubscribed(node("new"), bytes(CHANNEL), 0);
        assertFalse(confirmations.shardChannels.isLive(CHANNEL));
        assertEquals(List.of(), confirmations.shardChannels.kept(), "no node holds it any more");
    }

    @Test
    void aReplyFromTheOldMasterIsNotTakenForTheNewOnesOnceItsPushArrives() {
        // Routed to the old master; the slot map names the new one by the time the reply arrives.
        owner.set("new");
        confirmations.shardChannels.subscribedAtCountingNode(CHANNEL);
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1); // the push names the node that answered

        assertFalse(confirmations.shardChannels.isLive(CHANNEL), "the new master does not count this node");
        pushes.ssubscribed(node("new"), bytes(CHANNEL), 1); // subscribed again on the new master
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));
    }

    @Test
    void aReplyTakenForTheRightMasterStaysAfterItsPush() {
        confirmations.shardChannels.subscribedAtCountingNode(CHANNEL);
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));

        // A reply for a node that had confirmed already is no guess: another node's push leaves it.
        confirmations.shardChannels.subscribedAtCountingNode(CHANNEL);
        pushes.ssubscribed(node("other"), bytes(CHANNEL), 1);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));
    }

    @Test
    void withoutAKnownMasterNothingCounts() {
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        owner.set(null); // no slot map yet, or the slot uncovered
        assertFalse(confirmations.shardChannels.isLive(CHANNEL));
        confirmations.shardChannels.subscribedAtCountingNode(CHANNEL);
        owner.set("old");
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));
    }

    @Test
    void aPushFromANodeOutsideTheSlotMapNeverCounts() {
        pushes.ssubscribed(null, bytes(CHANNEL), 1);
        assertFalse(confirmations.shardChannels.isLive(CHANNEL));
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        pushes.sunsubscribed(null, bytes(CHANNEL), 0);
        assertTrue(confirmations.shardChannels.isLive(CHANNEL));
    }

    @Test
    void aDisconnectionUndoesEveryNodesSubscriptionButLettuceKeepsThem() {
        pushes.ssubscribed(node("old"), bytes(CHANNEL), 1);
        pushes.subscribed(node("old"), bytes("classic"), 1);
        confirmations.disconnected();
        assertFalse(confirmations.shardChannels.isLive(CHANNEL));
        assertFalse(confirmations.channels.isLive("classic"));
        assertEquals(List.of(CHANNEL), confirmations.shardChannels.kept());
        assertEquals(List.of("classic"), confirmations.channels.kept());
    }

    /** Classic channels and patterns are counted over every node: any node's confirmation is theirs. */
    @Test
    void classicSubscriptionsDoNotDependOnTheirNode() {
        pushes.subscribed(node("a"), bytes("c"), 1);
        pushes.psubscribed(node("a"), bytes("p*"), 1);
        owner.set("elsewhere");
        assertTrue(confirmations.channels.isLive("c"));
        assertTrue(confirmations.patterns.isLive("p*"));
        pushes.unsubscribed(node("b"), bytes("c"), 0);
        pushes.punsubscribed(null, bytes("p*"), 0);
        assertFalse(confirmations.channels.isLive("c"));
        assertFalse(confirmations.patterns.isLive("p*"));
    }

    /** On one server the pushes tell no node, and any confirmation counts. */
    @Test
    void onOneServerAnyConfirmationCounts() {
        SubscriptionConfirmations standalone = new SubscriptionConfirmations();
        standalone.ssubscribed(bytes(CHANNEL), 1);
        assertTrue(standalone.shardChannels.isLive(CHANNEL));
        standalone.sunsubscribed(bytes(CHANNEL), 0);
        assertFalse(standalone.shardChannels.isLive(CHANNEL));
        standalone.shardChannels.subscribedAtCountingNode(CHANNEL);
        assertTrue(standalone.shardChannels.isLive(CHANNEL));
    }

    private static RedisClusterNode node(String id) {
        RedisClusterNode node = new RedisClusterNode();
        node.setNodeId(id);
        return node;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
