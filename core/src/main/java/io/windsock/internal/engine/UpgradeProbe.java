package io.windsock.internal.engine;

import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import io.windsock.internal.log.Loggers;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The polling→WebSocket upgrade of one session, the same in Engine.IO v3 and v4: the WebSocket sends
 * {@code 2probe}, gets {@code 3probe}, the waiting poll is ended with NOOP, then the WebSocket's
 * UPGRADE packet moves the session onto it. Anything else, or no UPGRADE within the upgrade timeout,
 * closes the WebSocket and the session stays on polling. Scheduler thread only.
 */
final class UpgradeProbe {
    private static final Logger log = Loggers.ENGINE;

    private final EngineSession session;
    /** The WebSocket being probed, or null. */
    private EngineTransport probe;
    /** Whether the probe answered "probe" and now waits for the UPGRADE packet. */
    private boolean probed;
    private EngineScheduler.Cancellable timeout = EngineScheduler.Cancellable.NONE;

    UpgradeProbe(EngineSession session) {
        this.session = session;
    }

    /** @return whether a WebSocket probe is under way. */
    boolean isProbing() {
        return probe != null;
    }

    /** @return whether {@code t} is the WebSocket being probed. */
    boolean isProbe(EngineTransport t) {
        return probe != null && t == probe;
    }

    /** @return whether the probe answered and the polling transport must stay quiet until UPGRADE. */
    boolean isProbed() {
        return probed;
    }

    void start(EngineTransport websocket, long timeoutMillis) {
        probe = websocket;
        probed = false;
        timeout = session.scheduler().schedule(this::abort, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Forgets the probe (its connection is gone or it became the transport). */
    void cancel() {
        timeout.cancel();
        timeout = EngineScheduler.Cancellable.NONE;
        probe = null;
        probed = false;
    }

    /** Gives up the probe and closes its WebSocket. */
    void abort() {
        EngineTransport pending = probe;
        cancel();
        if (pending != null) {
            pending.close();
        }
    }

    void onPacket(EnginePacket packet) {
        if (!probed && packet.type() == EnginePacketType.PING && "probe".equals(packet.text())) {
            probed = true;
            probe.send(List.of(EnginePacket.PROBE_PONG));
            session.onProbed();
        } else if (probed && packet.type() == EnginePacketType.UPGRADE) {
            EngineTransport websocket = probe;
            cancel();
            session.completeUpgrade(websocket);
        } else {
            log.debug("session {}: invalid upgrade packet {}", session.id(), packet.type());
            abort();
        }
    }
}
