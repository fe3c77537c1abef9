package io.windsock.internal.engine;

/**
 * Pauses and resumes reading one client: an Engine.IO session, or the carrier of a Socket.IO
 * connection of any protocol generation. What the inbound flow control (the socket layer's read
 * gate) works on.
 */
public interface ReadSwitch {
    /** @return the single thread the client's I/O runs on, where the switch takes effect. */
    EngineScheduler scheduler();

    /** Stops reading from the client until {@link #resumeReading()}; what was read is still delivered. Any thread. */
    void suspendReading();

    /** Resumes reading after {@link #suspendReading()}. Any thread. */
    void resumeReading();
}
