package io.windsock.internal.carrier;

import io.windsock.internal.engine.codec.EnginePacket;
import java.util.List;

/**
 * Frames for a carrier that is an Engine.IO session (Socket.IO v5 over Engine.IO v4, and later v4 over
 * Engine.IO v3): Engine.IO MESSAGE packets, the text packet then its binary attachments. Which
 * Engine.IO revision writes them is the session's codec's business, not the frames'.
 *
 * @param packets shared by every recipient: never modified
 */
public record EngineFrames(List<EnginePacket> packets) implements Frames {
    public EngineFrames {
        packets = List.copyOf(packets);
    }

    @Override
    public long byteSize() {
        long size = 0;
        for (EnginePacket packet : packets) {
            size += packet.byteSize();
        }
        return size;
    }
}
