package io.windsock.internal.carrier;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.DisconnectReason;

/**
 * A {@link Carrier} that is an Engine.IO session: Engine.IO MESSAGE packets carry the dialect's
 * {@link EngineFrames}. Serves any Engine.IO revision; the session's codec and heartbeat differ, this
 * class does not.
 */
public final class EngineCarrier implements Carrier, EngineSession.Handler {
    private final EngineSession session;
    private final SocketDialect dialect;
    private final SocketDialect.Decoder decoder;
    private Listener listener;
    /** Wire bytes of the packet being decoded (its text, then its binary attachments). Scheduler thread. */
    private long packetBytes;

    /** @param dialect a dialect whose frames are {@link EngineFrames} */
    public EngineCarrier(EngineSession session, SocketDialect dialect) {
        this.session = session;
        this.dialect = dialect;
        this.decoder = dialect.newDecoder();
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
    public boolean isUpgraded() {
        return session.isUpgraded();
    }

    @Override
    public EngineRequest request() {
        return session.request();
    }

    @Override
    public boolean isOpen() {
        return session.state() == EngineSession.State.OPEN;
    }

    @Override
    public EngineScheduler scheduler() {
        return session.scheduler();
    }

    @Override
    public SocketDialect dialect() {
        return dialect;
    }

    @Override
    public boolean isWritableNow() {
        return session.isWritableNow();
    }

    @Override
    public boolean send(Frames frames) {
        return session.send(((EngineFrames) frames).packets());
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public void closeAsTransportError(String description) {
        session.closeAsTransportError(description);
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
        session.setHandler(this);
    }

    // ---- from the session, on the scheduler thread ----

    @Override
    public void onMessage(EngineSession s, String text) {
        SocketPacket packet;
        try {
            packetBytes = text.length();
            packet = decoder.text(text);
        } catch (SocketDecodeException e) {
            listener.onDecodeError(e);
            return;
        } catch (RuntimeException e) {
            listener.onDecodeError(SocketDialect.undecodable(e));
            return;
        }
        if (packet != null) {
            listener.onPacket(packet, packetBytes);
        }
    }

    @Override
    public void onBinary(EngineSession s, byte[] data) {
        SocketPacket packet;
        try {
            packetBytes += data.length;
            packet = decoder.binary(data);
        } catch (SocketDecodeException e) {
            listener.onDecodeError(e);
            return;
        } catch (RuntimeException e) {
            listener.onDecodeError(SocketDialect.undecodable(e));
            return;
        }
        if (packet != null) {
            listener.onPacket(packet, packetBytes);
        }
    }

    @Override
    public void onClose(EngineSession s, String reason) {
        decoder.reset();
        listener.onClose(DisconnectReason.fromEngine(reason));
    }

    @Override
    public String toString() {
        return "EngineCarrier[" + session.id() + "]";
    }
}
