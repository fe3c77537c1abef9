package io.windsock.adapter;

import io.windsock.protocol.SocketPacket;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A Socket.IO packet encoded once for all its recipients: every recipient that speaks the same
 * protocol generation gets the same encoded frames (the same strings and byte arrays). Made by
 * {@link AdapterNamespace#encode}. Thread-safe; the packet and offset are immutable.
 *
 * <p>The encodings are made lazily, one per protocol generation, by the first recipient that needs
 * it, and cached in a slot per generation. Encoding is pure, so when two threads race on an empty
 * slot the first value stored wins and both use it.
 */
public final class EncodedPacket {
    /** How many encodings (protocol generations) one packet can cache. */
    public static final int ENCODINGS = 4;

    private final SocketPacket packet;
    private final String offset;
    private final AtomicReferenceArray<Object> encodings = new AtomicReferenceArray<>(ENCODINGS);

    private EncodedPacket(SocketPacket packet, String offset) {
        this.packet = Objects.requireNonNull(packet, "packet");
        this.offset = offset;
    }

    /**
     * For the namespace implementation only: adapters get instances from {@link AdapterNamespace#encode}.
     */
    public static EncodedPacket of(SocketPacket packet, String offset) {
        return new EncodedPacket(packet, offset);
    }

    /** @return the packet as built, its arguments before encoding (the offset, if any, last). */
    public SocketPacket packet() {
        return packet;
    }

    /** @return the connection state recovery offset stored with this packet, or {@code null} if not stored. */
    public String offset() {
        return offset;
    }

    /**
     * For the server's implementation: the encoding cached in {@code slot}, or {@code null} when none
     * was made yet. Shared: never modify it.
     */
    @SuppressWarnings("unchecked")
    public <T> T encoding(int slot) {
        return (T) encodings.get(slot);
    }

    /**
     * For the server's implementation: caches an encoding in {@code slot} unless one is there already.
     *
     * @return the encoding now cached (the one given, or the one another thread stored first)
     */
    @SuppressWarnings("unchecked")
    public <T> T cacheEncoding(int slot, T encoding) {
        Objects.requireNonNull(encoding, "encoding");
        if (encodings.compareAndSet(slot, null, encoding)) {
            return encoding;
        }
        return (T) encodings.get(slot);
    }
}
