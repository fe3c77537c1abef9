package io.windsock.adapter;

import java.util.List;

/**
 * Collects the acknowledgements of one broadcast: each node reports how many of its clients got
 * the packet, then each client's ack arrives. Thread-safe; called on any thread, never blocks.
 */
public interface BroadcastAckHandler {
    /** One node sent the packet to this many of its clients (called once per node, 0 included). */
    void onClientCount(int count);

    /** One client acknowledged, with these arguments (a cluster adapter may carry only the first). */
    void onAck(List<Object> args);

    /**
     * @return whether the broadcast stopped waiting (every ack arrived, or it timed out): pending
     *         registrations may then be dropped
     */
    boolean isDone();
}
