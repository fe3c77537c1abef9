package io.windsock.redis.internal;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.EncodedPacket;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.SocketDetails;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A local socket of a test's node that records each event it gets with the offset it carried. */
final class OffsetRecordingSocket implements LocalSocket {
    /** What a socket got: its id, the event's arguments and the offset it carried (null: none). */
    record Delivery(String socket, List<Object> args, String offset) {
    }

    /** @return the next delivery recorded, waiting 10 s at most */
    static Delivery next(BlockingQueue<Delivery> delivered) throws InterruptedException {
        Delivery got = delivered.poll(10, TimeUnit.SECONDS);
        if (got == null) {
            throw new AssertionError("nothing delivered within 10 s");
        }
        return got;
    }

    private final Collection<Delivery> delivered;
    private final String id;

    OffsetRecordingSocket(Collection<Delivery> delivered, String id) {
        this.delivered = delivered;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public void send(EncodedPacket packet, BroadcastOptions options) {
        // A stored event carries its offset as its last argument (what the client takes): recorded apart.
        List<Object> args = packet.packet().args();
        String offset = packet.offset();
        if (offset != null && !args.isEmpty() && offset.equals(args.get(args.size() - 1))) {
            args = args.subList(0, args.size() - 1);
        } else if (offset != null) {
            offset = "not the last argument: " + offset;
        }
        delivered.add(new Delivery(id, args, offset));
    }

    @Override
    public void expectAck(long ackId, BroadcastAckHandler handler) {
    }

    @Override
    public void join(Collection<String> rooms) {
    }

    @Override
    public void leave(String room) {
    }

    @Override
    public void disconnect(boolean close) {
    }

    @Override
    public SocketDetails details() {
        return new SocketDetails(id, null, Set.of(id), Map.of());
    }
}
