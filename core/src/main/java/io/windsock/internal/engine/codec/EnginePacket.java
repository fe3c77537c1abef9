package io.windsock.internal.engine.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO packet: a type and an optional payload that is either text ({@link String}) or
 * binary ({@code byte[]}). Immutable (the byte arrays are not copied: never modify them), so one
 * instance may go to many recipients on many threads.
 */
public final class EnginePacket {
    public static final EnginePacket PING = new EnginePacket(EnginePacketType.PING, null);
    public static final EnginePacket PONG = new EnginePacket(EnginePacketType.PONG, null);
    public static final EnginePacket CLOSE = new EnginePacket(EnginePacketType.CLOSE, null);
    public static final EnginePacket NOOP = new EnginePacket(EnginePacketType.NOOP, null);
    public static final EnginePacket UPGRADE = new EnginePacket(EnginePacketType.UPGRADE, null);
    public static final EnginePacket PROBE_PING = new EnginePacket(EnginePacketType.PING, "probe");
    public static final EnginePacket PROBE_PONG = new EnginePacket(EnginePacketType.PONG, "probe");

    private final EnginePacketType type;
    private final Object data;
    /**
     * The text form (type digit, then text) in UTF-8, made at construction for a packet that many
     * recipients share ({@link #sharedMessage}); {@code null} for the others, which encode on demand.
     */
    private final byte[] utf8;
    /** {@link #byteSize()}: fixed at construction, so that what is reserved for a packet is what is released. */
    private final int byteSize;
    /** Sent to many recipients ({@link #sharedMessage}, {@link #sharedBinary}): worth framing once per event loop. */
    private final boolean shared;

    private EnginePacket(EnginePacketType type, Object data) {
        this(type, data, false);
    }

    private EnginePacket(EnginePacketType type, Object data, boolean shared) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = data;
        this.utf8 = null;
        this.byteSize = data instanceof byte[] b ? b.length : 1 + (data instanceof String s ? utf8Length(s) : 0);
        this.shared = shared;
    }

    private EnginePacket(String text, byte[] utf8) {
        this.type = EnginePacketType.MESSAGE;
        this.data = text;
        this.utf8 = utf8;
        this.byteSize = utf8.length;
        this.shared = true;
    }

    public static EnginePacket of(EnginePacketType type) {
        return new EnginePacket(type, null);
    }

    public static EnginePacket text(EnginePacketType type, String data) {
        return new EnginePacket(type, data);
    }

    public static EnginePacket message(String text) {
        return new EnginePacket(EnginePacketType.MESSAGE, Objects.requireNonNull(text));
    }

    /**
     * A text message sent to many recipients (a broadcast): its UTF-8 form is made once, here, and
     * the WebSocket transport frames those bytes once per event loop (see {@link #isShared()}).
     */
    public static EnginePacket sharedMessage(String text) {
        return new EnginePacket(text, (EnginePacketType.MESSAGE.code() + text).getBytes(StandardCharsets.UTF_8));
    }

    public static EnginePacket message(byte[] binary) {
        return new EnginePacket(EnginePacketType.MESSAGE, Objects.requireNonNull(binary));
    }

    /** A binary message sent to many recipients (a broadcast's attachment); see {@link #isShared()}. */
    public static EnginePacket sharedBinary(byte[] binary) {
        return new EnginePacket(EnginePacketType.MESSAGE, Objects.requireNonNull(binary), true);
    }

    public EnginePacketType type() {
        return type;
    }

    /** @return the payload: a {@link String}, a {@code byte[]}, or {@code null}. */
    public Object data() {
        return data;
    }

    /**
     * @return whether this packet goes to many recipients (a broadcast's): a transport may then build
     *         its wire form once and write it to each of them, rather than once per recipient
     */
    public boolean isShared() {
        return shared;
    }

    public boolean isBinary() {
        return data instanceof byte[];
    }

    /** @return the text payload, or {@code null} when there is none or it is binary. */
    public String text() {
        return data instanceof String s ? s : null;
    }

    /** @return the binary payload, or {@code null} when there is none or it is text. */
    public byte[] binary() {
        return data instanceof byte[] b ? b : null;
    }

    /**
     * @return the UTF-8 bytes of this text packet's text form (the type digit, then the data; the
     *         same in protocol revisions 3 and 4): the shared bytes of a {@link #sharedMessage}, else
     *         encoded now. Do not modify.
     * @throws IllegalStateException for a binary packet
     */
    public byte[] utf8() {
        if (utf8 != null) {
            return utf8;
        }
        if (isBinary()) {
            throw new IllegalStateException("binary packet has no text form: " + this);
        }
        String text = text();
        return (text == null ? String.valueOf(type.code()) : type.code() + text).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes this packet takes on the wire as a WebSocket frame payload: the UTF-8 length of its
     * type digit and text, or the length of its binary data. What the outbound bounds count; fixed
     * when the packet is made (without encoding the text). Any thread.
     */
    public int byteSize() {
        return byteSize;
    }

    /** The UTF-8 length of a string, without encoding it (a lone surrogate counts 3 bytes: an upper bound). */
    static int utf8Length(String s) {
        int length = s.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;  // a pair: 4 bytes for 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnginePacket p) || p.type != type) {
            return false;
        }
        if (data instanceof byte[] b) {
            return p.data instanceof byte[] pb && Arrays.equals(b, pb);
        }
        return Objects.equals(data, p.data);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + (data instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(data));
    }

    @Override
    public String toString() {
        String payload = data == null ? "" : data instanceof byte[] b ? "<" + b.length + " bytes>" : (String) data;
        return type + (payload.isEmpty() ? "" : " " + payload);
    }
}
