package io.windsock.redis.internal;

import io.windsock.adapter.Adapter;
import io.windsock.adapter.AdapterNamespace;
import io.windsock.adapter.EncodedPacket;
import io.windsock.adapter.LocalSocket;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.server.Ack;
import io.windsock.server.ConnectionStateRecovery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A namespace of a node under test ("/" unless named): its local sockets are the test's map, packets are
 * encoded as they are (counted), and server-side events go to the test's handler. No connection state recovery
 * unless {@link #withRecovery}.
 */
final class RecordingNamespace implements AdapterNamespace {
    final AtomicInteger encodes = new AtomicInteger();
    private final String name;
    private final Map<String, ? extends LocalSocket> sockets;
    private final BiConsumer<List<Object>, Ack> onServerSideEmit;
    private ConnectionStateRecovery recovery;

    RecordingNamespace(Map<String, ? extends LocalSocket> sockets, BiConsumer<List<Object>, Ack> onServerSideEmit) {
        this("/", sockets, onServerSideEmit);
    }

    /** A namespace of another name than "/". */
    RecordingNamespace(String name, Map<String, ? extends LocalSocket> sockets,
                       BiConsumer<List<Object>, Ack> onServerSideEmit) {
        this.name = name;
        this.sockets = sockets;
        this.onServerSideEmit = onServerSideEmit;
    }

    /** A namespace that ignores server-side events. */
    RecordingNamespace(Map<String, ? extends LocalSocket> sockets) {
        this(sockets, (eventAndArgs, ack) -> {
        });
    }

    /**
     * Makes the factory's adapter for a namespace once the factory is connected, and waits until it is
     * ready (10 s at most for each).
     */
    @SuppressWarnings("unchecked")
    static <A extends Adapter> A startNode(RedisAdapterFactory factory, AdapterNamespace namespace) throws Exception {
        factory.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        A node = (A) factory.create(namespace);
        node.init();
        node.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return node;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LocalSocket localSocket(String id) {
        return sockets.get(id);
    }

    @Override
    public EncodedPacket encode(SocketPacket packet, String offset) {
        encodes.incrementAndGet();
        return new PlainEncodedPacket(packet, offset);
    }

    @Override
    public long nextAckId() {
        return 1;
    }

    @Override
    public ConnectionStateRecovery recovery() {
        return recovery;
    }

    /** @return this namespace with connection state recovery on */
    RecordingNamespace withRecovery(ConnectionStateRecovery recovery) {
        RecordingNamespace copy = new RecordingNamespace(name, sockets, onServerSideEmit);
        copy.recovery = recovery;
        return copy;
    }

    @Override
    public void onServerSideEmit(List<Object> eventAndArgs, Ack ack) {
        onServerSideEmit.accept(eventAndArgs, ack);
    }
}
