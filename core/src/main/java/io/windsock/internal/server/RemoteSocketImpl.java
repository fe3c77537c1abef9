package io.windsock.internal.server;

import io.windsock.adapter.SocketDetails;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.Handshake;
import io.windsock.server.RemoteSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A fetched socket: its details, and actions that go through the adapter (so they work for any node). */
final class RemoteSocketImpl implements RemoteSocket {
    private final SocketDetails details;
    private final BroadcastOperator operator;

    RemoteSocketImpl(NamespaceImpl namespace, SocketDetails details) {
        this.details = details;
        this.operator = new BroadcastOperatorImpl(namespace.self(), Set.of()).to(details.id());
    }

    @Override
    public String id() {
        return details.id();
    }

    @Override
    public Handshake handshake() {
        return details.handshake();
    }

    @Override
    public Set<String> rooms() {
        return details.rooms();
    }

    @Override
    public Map<String, Object> data() {
        return details.data();
    }

    @Override
    public void emit(String event, Object... args) {
        operator.emit(event, args);
    }

    @Override
    public CompletableFuture<Object> emitWithAck(Duration timeout, String event, Object... args) {
        return operator.timeout(timeout).emitWithAck(event, args).thenApply(acks -> {
            if (acks.isEmpty()) {
                throw new CompletionException(new IllegalStateException("socket " + id() + " is not connected"));
            }
            return acks.get(0);
        });
    }

    @Override
    public void join(String... rooms) {
        operator.socketsJoin(rooms);
    }

    @Override
    public void leave(String room) {
        operator.socketsLeave(room);
    }

    @Override
    public void disconnect(boolean close) {
        operator.disconnectSockets(close);
    }

    @Override
    public String toString() {
        return "RemoteSocket[" + details.id() + " rooms=" + details.rooms() + "]";
    }
}
