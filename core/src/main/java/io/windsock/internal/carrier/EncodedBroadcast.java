package io.windsock.internal.carrier;

import io.windsock.adapter.EncodedPacket;
import io.windsock.protocol.SocketPacket;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's {@link EncodedPacket}: the packet, with its encodings made lazily, one per protocol
 * generation, by the first recipient that needs it, and cached in a slot per generation. Encoding
 * is pure, so when two threads race on an empty slot the first value stored wins and both use it.
 */
public final class EncodedBroadcast implements EncodedPacket {
    /** How many encodings (protocol generations) one packet can cache. */
    public static final int ENCODINGS = 4;

    private final SocketPacket packet;
    private final String offset;
    private final AtomicReferenceArray<Object> encodings = new AtomicReferenceArray<>(ENCODINGS);

    public EncodedBroadcast(SocketPacket packet, String offset) {
        this.packet = Objects.requireNonNull(packet, "packet");
        this.offset = offset;
    }

    @Override
    public SocketPacket packet() {
        return packet;
    }

    @Override
    public String offset() {
        return offset;
    }

    /** @return the encoding cached in {@code slot}, or {@code null} when none was made yet. Shared: never modify it. */
    @SuppressWarnings("unchecked")
    public <T> T encoding(int slot) {
        return (T) encodings.get(slot);
    }

    /**
     * Caches an encoding in {@code slot} unless one is there already.
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
