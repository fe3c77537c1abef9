package io.windsock.internal.sio1;

import io.windsock.internal.carrier.Frames;

/**
 * One Socket.IO packet as protocol 1 writes it: a single packet text, shared by every recipient
 * of a broadcast.
 *
 * @param packet the packet (its type and endpoint tell a carrier what it is)
 * @param text   its wire text
 */
public record Sio1Frame(Sio1Packet packet, String text) implements Frames {
    @Override
    public long byteSize() {
        return text.length();
    }
}
