package io.windsock.internal.server;

import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.SocketDetails;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.RemoteSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The broadcast operator of a namespace (or of every namespace of a dynamic group): immutable rooms,
 * except-rooms and flags; each action goes through the target namespaces' adapters. A group's
 * targets are the children that exist on this node: see {@link #fetchSockets()}.
 */
final class BroadcastOperatorImpl implements BroadcastOperator {
    private final Supplier<Collection<NamespaceImpl>> targets;
    private final Set<String> rooms;
    private final Set<String> except;
    private final boolean volatileFlag;
    private final boolean compress;
    private final boolean local;
    private final Duration timeout;
    /** Whether the targets are a dynamic group's children. */
    private final boolean group;

    BroadcastOperatorImpl(Supplier<Collection<NamespaceImpl>> targets, Set<String> except) {
        this(targets, Set.of(), except, false, true, false, null, false);
    }

    private BroadcastOperatorImpl(Supplier<Collection<NamespaceImpl>> targets, Set<String> rooms, Set<String> except,
                                  boolean volatileFlag, boolean compress, boolean local, Duration timeout,
                                  boolean group) {
        this.targets = targets;
        this.rooms = rooms;
        this.except = except;
        this.volatileFlag = volatileFlag;
        this.compress = compress;
        this.local = local;
        this.timeout = timeout;
        this.group = group;
    }

    /** @return an operator over the children of a dynamic group that exist on this node */
    static BroadcastOperatorImpl overGroup(Supplier<Collection<NamespaceImpl>> children) {
        return new BroadcastOperatorImpl(children, Set.of(), Set.of(), false, true, false, null, true);
    }

    @Override
    public BroadcastOperator to(String... more) {
        return new BroadcastOperatorImpl(targets, union(rooms, more), except, volatileFlag, compress, local, timeout,
                group);
    }

    @Override
    public BroadcastOperator except(String... more) {
        return new BroadcastOperatorImpl(targets, rooms, union(except, more), volatileFlag, compress, local, timeout,
                group);
    }

    @Override
    public BroadcastOperator volatileEvents() {
        return new BroadcastOperatorImpl(targets, rooms, except, true, compress, local, timeout, group);
    }

    @Override
    public BroadcastOperator compress(boolean on) {
        return new BroadcastOperatorImpl(targets, rooms, except, volatileFlag, on, local, timeout, group);
    }

    @Override
    public BroadcastOperator local() {
        return new BroadcastOperatorImpl(targets, rooms, except, volatileFlag, compress, true, timeout, group);
    }

    @Override
    public BroadcastOperator timeout(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative()) {
            // As Socket.emitWithAck, and Node (whose timer takes a negative delay as 1 ms): a budget computed
            // as "deadline - now" may come out negative, and then the acks not already there time out at once.
            d = Duration.ZERO;
        }
        try {
            d.toNanos(); // the ack collector's timer counts in nanoseconds: refused here, before anything is sent
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("timeout too large to count in nanoseconds (about 292 years): " + d, e);
        }
        return new BroadcastOperatorImpl(targets, rooms, except, volatileFlag, compress, local, d, group);
    }

    BroadcastOptions options() {
        return new BroadcastOptions(rooms, except, volatileFlag, compress, local, timeout);
    }

    @Override
    public void emit(String event, Object... args) {
        Events.checkNotReserved(event);
        BroadcastOptions options = options();
        List<Object> data = Events.eventList(event, args);
        for (NamespaceImpl namespace : targets.get()) {
            namespace.adapter().broadcast(SocketPacket.event(namespace.name(), data, SocketPacket.NO_ID), options);
        }
    }

    @Override
    public CompletableFuture<List<Object>> emitWithAck(String event, Object... args) {
        Events.checkNotReserved(event);
        if (timeout == null) {
            throw new IllegalStateException("emitWithAck on a broadcast needs a timeout: call timeout(...) first");
        }
        BroadcastOptions options = options();
        List<Object> data = Events.eventList(event, args);
        List<CompletableFuture<List<Object>>> futures = new ArrayList<>();
        for (NamespaceImpl namespace : targets.get()) {
            futures.add(AckCollector.broadcast(namespace.adapter(),
                    SocketPacket.event(namespace.name(), data, SocketPacket.NO_ID), options,
                    namespace.server().completions(), namespace.server().pendingBroadcastAcks(),
                    "'" + event + "' in " + namespace.name()));
        }
        return futures.size() == 1 ? futures.get(0) : combine(futures);
    }

    /** Concatenates the acks of several namespaces; if any timed out, times out with every ack received. */
    private static CompletableFuture<List<Object>> combine(List<CompletableFuture<List<Object>>> futures) {
        if (futures.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            List<Object> all = new ArrayList<>();
            Throwable failure = null;
            for (CompletableFuture<List<Object>> f : futures) {
                try {
                    all.addAll(f.join());
                } catch (CompletionException e) {
                    if (e.getCause() instanceof BroadcastTimeoutException timeout) {
                        all.addAll(timeout.responses());
                    }
                    failure = failure == null ? e.getCause() : failure;
                }
            }
            if (failure instanceof BroadcastTimeoutException t) {
                throw new CompletionException(new BroadcastTimeoutException(t.getMessage(), all));
            } else if (failure != null) {
                throw new CompletionException(failure);
            }
            return all.stream().toList();
        });
    }

    @Override
    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        if (group && !local) {
            // As Node's parent namespace: a child exists where a client joined it, so the children of
            // this node need not be those of the others, and the answer would silently miss sockets.
            throw new UnsupportedOperationException("fetchSockets on a dynamic namespace group: other nodes may"
                    + " serve children this node does not have; use local(), or of(name) for one namespace");
        }
        BroadcastOptions options = options();
        List<CompletableFuture<List<RemoteSocket>>> futures = new ArrayList<>();
        for (NamespaceImpl namespace : targets.get()) {
            CompletableFuture<List<SocketDetails>> fetched = namespace.adapter().fetchSockets(options).toCompletableFuture();
            // A cluster's answer completes on the thread that read it from the other nodes (a network
            // thread): the application's stages go to the handler executor instead. Done at once
            // (one node), it stays synchronous.
            futures.add(fetched.isDone() ? fetched.thenApply(details -> toRemote(namespace, details))
                    : fetched.thenApplyAsync(details -> toRemote(namespace, details), namespace.server().completions()));
        }
        if (futures.size() == 1) {
            return futures.get(0);
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<RemoteSocket> all = new ArrayList<>();
            futures.forEach(f -> all.addAll(f.join()));
            return List.copyOf(all);
        });
    }

    private static List<RemoteSocket> toRemote(NamespaceImpl namespace, List<SocketDetails> details) {
        List<RemoteSocket> sockets = new ArrayList<>(details.size());
        for (SocketDetails d : details) {
            sockets.add(new RemoteSocketImpl(namespace, d));
        }
        return List.copyOf(sockets);
    }

    @Override
    public void socketsJoin(String... newRooms) {
        BroadcastOptions options = options();
        Set<String> set = union(Set.of(), newRooms); // a repeated name is one room, as in Socket.join and Node
        for (NamespaceImpl namespace : targets.get()) {
            namespace.adapter().addSockets(options, set);
        }
    }

    @Override
    public void socketsLeave(String... oldRooms) {
        BroadcastOptions options = options();
        Set<String> set = union(Set.of(), oldRooms); // a repeated name is one room, as in Socket.join and Node
        for (NamespaceImpl namespace : targets.get()) {
            namespace.adapter().delSockets(options, set);
        }
    }

    @Override
    public void disconnectSockets(boolean close) {
        BroadcastOptions options = options();
        for (NamespaceImpl namespace : targets.get()) {
            namespace.adapter().disconnectSockets(options, close);
        }
    }

    private static Set<String> union(Set<String> base, String[] more) {
        Set<String> set = new LinkedHashSet<>(base);
        for (String room : more) {
            set.add(Objects.requireNonNull(room, "room"));
        }
        return Set.copyOf(set);
    }

    @Override
    public String toString() {
        return "BroadcastOperator[to=" + rooms + " except=" + except + (volatileFlag ? " volatile" : "")
                + (local ? " local" : "") + (timeout != null ? " timeout=" + timeout.toMillis() + "ms" : "") + "]";
    }
}
