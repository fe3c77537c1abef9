package io.windsock.internal.server;

import io.windsock.engine.EngineScheduler;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.Ack;
import io.windsock.server.CatchAllListener;
import io.windsock.server.DisconnectReason;
import io.windsock.server.EventListener;
import io.windsock.server.Handshake;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A client's socket in one namespace. See {@link Socket} for the contract. */
final class SocketImpl implements Socket {
    enum State { CONNECTING, CONNECTED, DISCONNECTED }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final String id = newId();
    private final NamespaceImpl namespace;
    private final Client client;
    private final Handshake handshake;
    private final SerialExecutor executor;
    private final Map<String, Object> data = new ConcurrentHashMap<>();
    private final Map<String, EventListener> listeners = new ConcurrentHashMap<>();
    private final List<CatchAllListener> anyListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DisconnectReason>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong nextAckId = new AtomicLong();
    private final Map<Long, PendingAck> pendingAcks = new ConcurrentHashMap<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    private volatile CatchAllListener fallback;

    private record PendingAck(CompletableFuture<List<Object>> future, EngineScheduler.Cancellable timeout) {
    }

    SocketImpl(NamespaceImpl namespace, Client client, Map<String, Object> auth) {
        this.namespace = namespace;
        this.client = client;
        this.handshake = new Handshake(client.session().request(), auth, Instant.now());
        this.executor = new SerialExecutor(client.server().executor());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Namespace namespace() {
        return namespace;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public boolean isConnected() {
        return state.get() == State.CONNECTED;
    }

    @Override
    public String transport() {
        return client.session().transportName();
    }

    @Override
    public Map<String, Object> data() {
        return data;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    Client client() {
        return client;
    }

    @Override
    public Socket on(String event, EventListener listener) {
        listeners.put(event, listener);
        return this;
    }

    @Override
    public Socket off(String event) {
        listeners.remove(event);
        return this;
    }

    @Override
    public Socket onAny(CatchAllListener listener) {
        anyListeners.add(listener);
        return this;
    }

    @Override
    public Socket fallback(CatchAllListener listener) {
        fallback = listener;
        return this;
    }

    @Override
    public Socket onDisconnect(Consumer<DisconnectReason> listener) {
        disconnectListeners.add(listener);
        return this;
    }

    @Override
    public void emit(String event, Object... args) {
        if (isConnected()) {
            client.write(SocketPacket.event(namespace.name(), eventList(event, args), SocketPacket.NO_ID));
        }
    }

    @Override
    public CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        CompletableFuture<List<Object>> future = new CompletableFuture<>();
        if (!isConnected()) {
            future.completeExceptionally(new IllegalStateException("socket " + id + " is disconnected"));
            return future;
        }
        long ackId = nextAckId.getAndIncrement();
        EngineScheduler.Cancellable timer = client.session().scheduler().schedule(() -> {
            PendingAck pending = pendingAcks.remove(ackId);
            if (pending != null) {
                executor.execute(() -> pending.future().completeExceptionally(new TimeoutException(
                        "no ack for '" + event + "' from socket " + id + " within " + timeout.toMillis() + " ms")));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        pendingAcks.put(ackId, new PendingAck(future, timer));
        client.write(SocketPacket.event(namespace.name(), eventList(event, args), ackId));
        return future;
    }

    @Override
    public void disconnect(boolean close) {
        if (close) {
            client.disconnectAll();
            return;
        }
        if (isConnected()) {
            client.write(new SocketPacket(SocketPacketType.DISCONNECT, namespace.name(), SocketPacket.NO_ID, null));
            client.remove(this);
            onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
        }
    }

    // ---- lifecycle, driven by Client and NamespaceImpl ----

    /** The middlewares passed: the client gets its CONNECT reply. On this socket's executor. */
    boolean markConnected() {
        if (client.isClosed() || !state.compareAndSet(State.CONNECTING, State.CONNECTED)) {
            return false;
        }
        client.write(new SocketPacket(SocketPacketType.CONNECT, namespace.name(), SocketPacket.NO_ID, Map.of("sid", id)));
        client.onSocketConnected();
        return true;
    }

    /** A packet for this socket arrived. Scheduler thread; handling moves to this socket's executor. */
    void onPacket(SocketPacket packet) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> executor.execute(() -> onEvent(packet));
            case ACK, BINARY_ACK -> onAck(packet);
            case DISCONNECT -> {
                client.remove(this);
                onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            }
            default -> { // CONNECT and CONNECT_ERROR are the client's business.
            }
        }
    }

    /** Leaves for good. Any thread; listeners run on the executor. */
    void onClose(DisconnectReason reason) {
        State previous = state.getAndSet(State.DISCONNECTED);
        if (previous == State.DISCONNECTED) {
            return;
        }
        executor.execute(() -> {
            for (Long ackId : List.copyOf(pendingAcks.keySet())) {
                PendingAck pending = pendingAcks.remove(ackId);
                if (pending != null) {
                    pending.timeout().cancel();
                    pending.future().completeExceptionally(
                            new IllegalStateException("socket " + id + " disconnected: " + reason));
                }
            }
            if (previous == State.CONNECTED) {
                namespace.remove(this);
                for (Consumer<DisconnectReason> listener : disconnectListeners) {
                    try {
                        listener.accept(reason);
                    } catch (RuntimeException e) {
                        client.server().errorHandler().onError(this, "disconnect", e);
                    }
                }
            }
        });
    }

    private void onEvent(SocketPacket packet) {
        if (!isConnected()) {
            return;
        }
        List<Object> all = packet.args();
        if (all.isEmpty()) {
            return;
        }
        String event = String.valueOf(all.get(0));
        List<Object> args = all.subList(1, all.size());
        Ack ack = packet.hasId() ? new AckImpl(packet.id()) : Ack.NONE;
        try {
            for (CatchAllListener any : anyListeners) {
                any.onEvent(event, args, ack);
            }
            EventListener listener = listeners.get(event);
            if (listener != null) {
                listener.onEvent(args, ack);
            } else {
                CatchAllListener fb = fallback;
                if (fb != null) {
                    fb.onEvent(event, args, ack);
                }
            }
        } catch (Exception e) {
            client.server().errorHandler().onError(this, event, e);
        }
    }

    private void onAck(SocketPacket packet) {
        PendingAck pending = pendingAcks.remove(packet.id());
        if (pending != null) {
            pending.timeout().cancel();
            List<Object> args = packet.args();
            executor.execute(() -> pending.future().complete(args));
        }
    }

    private final class AckImpl implements Ack {
        private final long ackId;
        private final java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();

        AckImpl(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public boolean requested() {
            return true;
        }

        @Override
        public void send(Object... args) {
            if (sent.compareAndSet(false, true) && isConnected()) {
                client.write(SocketPacket.ack(namespace.name(), ackId, java.util.Arrays.asList(args)));
            }
        }
    }

    static List<Object> eventList(String event, Object[] args) {
        List<Object> list = new ArrayList<>(args.length + 1);
        list.add(event);
        for (Object arg : args) {
            list.add(arg);
        }
        return list;
    }

    /** 15 random bytes, URL-safe base64: unguessable and never chosen by the client. */
    private static String newId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "Socket[" + id + " " + namespace.name() + "]";
    }
}
