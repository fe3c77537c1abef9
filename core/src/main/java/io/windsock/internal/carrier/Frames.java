package io.windsock.internal.carrier;

/**
 * One Socket.IO packet encoded for one {@link SocketDialect}: the frames (text, then any binary
 * attachments) a carrier of that dialect writes. Immutable and shared: a broadcast's frames go to
 * every recipient of the dialect as the same object. Each dialect has its own implementation (the
 * Engine.IO dialects share {@link EngineFrames}); a carrier accepts only its own dialect's.
 */
public interface Frames {
    /** @return the bytes these frames count against the outbound budget. */
    long byteSize();
}
