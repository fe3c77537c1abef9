package io.windsock.internal.server;

import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** The acknowledgement a client asked for with an event: sent at most once, from any thread. */
final class ClientAck implements Ack {
    private final String namespace;
    private final long ackId;
    private final Consumer<SocketPacket> writer;
    private final AtomicBoolean sent = new AtomicBoolean();

    /** @param writer writes the ACK packet to the client if its socket is still connected */
    ClientAck(String namespace, long ackId, Consumer<SocketPacket> writer) {
        this.namespace = namespace;
        this.ackId = ackId;
        this.writer = writer;
    }

    @Override
    public boolean requested() {
        return true;
    }

    @Override
    public void send(Object... args) {
        if (sent.compareAndSet(false, true)) {
            try {
                writer.accept(SocketPacket.ack(namespace, ackId, Arrays.asList(args)));
            } catch (RuntimeException | Error e) {
                // Nothing went out (the values could not be encoded): a later send, such as the
                // handler's error ack, must still reach the client.
                sent.set(false);
                throw e;
            }
        }
    }
}
