package io.windsock.internal.engine.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO packet: a type and an optional payload that is either text ({@link String}) or
 * binary ({@code byte[]}). Immutable by convention: the byte array is not copied.
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
     * The UTF-8 bytes of this packet's WebSocket text frame, made by the first recipient and reused
     * by the others of a broadcast. Racy by design: two threads may both compute the same bytes.
     */
    private byte[] textFrame;
    /** {@link #byteSize()}, computed once (0: not yet); racy like {@link #textFrame}. */
    private int byteSize;

    private EnginePacket(EnginePacketType type, Object data) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = data;
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

    public static EnginePacket message(byte[] binary) {
        return new EnginePacket(EnginePacketType.MESSAGE, Objects.requireNonNull(binary));
    }

    public EnginePacketType type() {
        return type;
    }

    /** @return the payload: a {@link String}, a {@code byte[]}, or {@code null}. */
    public Object data() {
        return data;
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
     * @return the UTF-8 bytes of this text packet as a WebSocket frame (the type digit, then the
     *         data; the same in protocol revisions 3 and 4), computed once per packet
     */
    public byte[] textFrameUtf8() {
        byte[] frame = textFrame;
        if (frame == null) {
            if (isBinary()) {
                throw new IllegalStateException("binary packet has no text frame: " + this);
            }
            String text = text();
            frame = (text == null ? String.valueOf(type.code()) : type.code() + text)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            textFrame = frame;
        }
        return frame;
    }

    /**
     * The bytes this packet takes as a WebSocket frame payload: the UTF-8 length of its type digit and
     * text, or the length of its binary data. What the outbound bounds count; computed once per packet
     * (a broadcast shares it) without encoding the text. Any thread.
     */
    public int byteSize() {
        int size = byteSize;
        if (size == 0) {
            byte[] frame = textFrame;
            if (frame != null) {
                size = frame.length;
            } else if (data instanceof byte[] b) {
                size = b.length;
            } else {
                size = 1 + (data instanceof String s ? utf8Length(s) : 0);
            }
            byteSize = size;
        }
        return size;
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
