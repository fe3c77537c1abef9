package io.windsock.internal.sio1;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.carrier.Carrier;
import io.windsock.internal.carrier.Frames;
import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.DisconnectReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A protocol-1 session as the socket layer's {@link Carrier}. The handshake waits for "/": the
 * main endpoint's CONNECT answers it (and goes out as {@code 1::}), a refusal of "/" answers it 401
 * instead, as TornadIO2 answered an {@code on_open} that returned false.
 */
final class Sio1Carrier implements Carrier, Sio1Session.Handler {
    private final Sio1Session session;
    private final SocketDialectP1 dialect;
    private final CompletableFuture<Void> handshake;
    private final BooleanSupplier shuttingDown;
    private Listener listener;
    /** Connection listeners waiting for the client's first transport; null once it came. Under the lock. */
    private List<Runnable> waitingForTransport = new ArrayList<>(1);

    /** @param shuttingDown whether the server is stopping (then a close sends no 0::, see {@link #close()}) */
    Sio1Carrier(Sio1Session session, SocketDialectP1 dialect, CompletableFuture<Void> handshake,
                BooleanSupplier shuttingDown) {
        this.session = session;
        this.dialect = dialect;
        this.handshake = handshake;
        this.shuttingDown = shuttingDown;
    }

    @Override
    public String id() {
        return session.id();
    }

    @Override
    public String transportName() {
        return session.transportName();
    }

    @Override
    public boolean deferUntilTransport(Runnable later) {
        synchronized (this) {
            if (waitingForTransport == null) {
                return false;
            }
            waitingForTransport.add(later);
            return true;
        }
    }

    /** The first transport came, or the session closed without one: the connection listeners run. */
    private void transportKnown() {
        List<Runnable> waiting;
        synchronized (this) {
            waiting = waitingForTransport;
            waitingForTransport = null;
        }
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }

    @Override
    public boolean isUpgraded() {
        return false;
    }

    @Override
    public EngineRequest request() {
        return session.request();
    }

    @Override
    public boolean isOpen() {
        return session.state() == Sio1Session.State.OPEN;
    }

    @Override
    public EngineScheduler scheduler() {
        return session.scheduler();
    }

    @Override
    public SocketDialect dialect() {
        return dialect;
    }

    /** Any thread: see {@link Sio1Session#isWritableNow()}; a congested stream drops volatile packets. */
    @Override
    public boolean isWritableNow() {
        return session.isWritableNow();
    }

    @Override
    public boolean send(Frames frames) {
        Sio1Frame frame = (Sio1Frame) frames;
        Sio1Packet packet = frame.packet();
        boolean main = packet.endpoint().isEmpty();
        if (main && packet.type() == Sio1Packet.ERROR && !handshake.isDone()) {
            handshake.completeExceptionally(new IllegalStateException("refused")); // "/" refused: 401
            return false;
        }
        boolean queued = session.send(frame.text());
        if (main && packet.type() == Sio1Packet.CONNECT) {
            handshake.complete(null);
        } else if (main && packet.type() == Sio1Packet.DISCONNECT) {
            // The 0.9 client leaves altogether on 0:: (it is "booted"): so does the session.
            session.close("server disconnect");
        }
        return queued;
    }

    /**
     * Closes with {@code 0::} after what was queued; but when the server stops, only the transport
     * closes: a 0.9 client told {@code 0::} is "booted" and never reconnects, while one that loses its
     * transport does, as 4.x clients do after a server stop.
     */
    @Override
    public void close() {
        if (shuttingDown.getAsBoolean()) {
            session.close("server shutting down");
        } else {
            session.close();
        }
    }

    @Override
    public void closeAsTransportError(String description) {
        session.closeAsTransportError();
    }

    @Override
    public void suspendReading() {
        session.suspendReading();
    }

    @Override
    public void resumeReading() {
        session.resumeReading();
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    // ---- from the session, on its scheduler thread ----

    @Override
    public void onPacket(Sio1Session s, Sio1Packet packet) {
        if (packet.type() == Sio1Packet.DISCONNECT && packet.endpoint().isEmpty()) {
            session.close("client disconnect"); // the whole socket, every endpoint with it
            return;
        }
        // An id without '+' (the client's send(data, fn)) is acknowledged by the server itself, at once and
        // whatever the application does, as the 0.9 server does: the client's callback takes no data.
        // The application sees the packet without an id, so it is not acknowledged twice.
        boolean autoAck = packet.hasId() && !packet.ackData() && (packet.type() == Sio1Packet.MESSAGE
                || packet.type() == Sio1Packet.JSON || packet.type() == Sio1Packet.EVENT);
        Sio1Packet delivered = autoAck
                ? new Sio1Packet(packet.type(), "", false, packet.endpoint(), packet.data()) : packet;
        SocketPacket decoded;
        try {
            decoded = dialect.decode(delivered);
        } catch (SocketDecodeException e) {
            listener.onDecodeError(e);
            return;
        } catch (RuntimeException e) {
            listener.onDecodeError(SocketDialect.undecodable(e));
            return;
        }
        if (autoAck) {
            session.send(Sio1Packet.of(Sio1Packet.ACK, packet.endpoint(), packet.id()).encode());
        }
        if (decoded != null && listener != null) {
            listener.onPacket(decoded, packet.data() == null ? 8 : packet.data().length() + 8);
        }
    }

    @Override
    public void onFirstTransport(Sio1Session s) {
        transportKnown();
    }

    @Override
    public void onClose(Sio1Session s, String reason) {
        transportKnown(); // listeners that waited run before the socket's close
        if (!handshake.isDone()) {
            handshake.completeExceptionally(new IllegalStateException("closed before the handshake was answered"));
        }
        if (listener != null) {
            listener.onClose(reasonOf(reason));
        }
    }

    static DisconnectReason reasonOf(String reason) {
        return switch (reason) {
            case "client disconnect" -> DisconnectReason.CLIENT_NAMESPACE_DISCONNECT;
            case "heartbeat timeout" -> DisconnectReason.PING_TIMEOUT;
            case "parse error" -> DisconnectReason.PARSE_ERROR;
            case "transport error" -> DisconnectReason.TRANSPORT_ERROR;
            case "server shutting down" -> DisconnectReason.SERVER_SHUTTING_DOWN;
            case "expired" -> DisconnectReason.TRANSPORT_CLOSE;
            default -> DisconnectReason.FORCED_SERVER_CLOSE;
        };
    }

    @Override
    public String toString() {
        return "Sio1Carrier[" + session.id() + "]";
    }
}
