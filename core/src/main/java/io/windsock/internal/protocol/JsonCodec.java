package io.windsock.internal.protocol;

import java.io.IOException;
import java.util.List;

/**
 * The JSON text form of plain Java values, so the wire codecs need no JSON library.
 *
 * <p>{@link #read} returns {@code Map<String, Object>} (keys in document order), {@code List<Object>},
 * {@code String}, {@code Number}, {@code Boolean} or {@code null}. {@link #write} accepts those and,
 * depending on the implementation, application objects. Implementations are thread-safe.
 */
public interface JsonCodec {
    /**
     * @throws LimitExceeded when the document is past one of the reader's bounds (depth, lengths)
     * @throws IOException   when it is not JSON
     */
    Object read(String json) throws IOException;

    String write(Object value);

    /**
     * Writes a value whose binary parts become Socket.IO placeholders
     * {@code {"_placeholder":true,"num":n}}, each part appended to {@code attachments} in the order
     * of its {@code num}. What counts as binary must not depend on the value's type: a
     * {@code byte[]} or {@code ByteBuffer} is an attachment whether it sits in a list, a map or, for
     * implementations that write application objects, a field of a record or POJO. The default
     * finds binary parts in lists, maps and arrays only.
     */
    default String write(Object value, List<byte[]> attachments) {
        return write(SocketPacketEncoder.deconstruct(value, attachments));
    }

    /**
     * Turns an application value (a record, a POJO, a set, a map with keys other than strings, a Jackson
     * tree) into the plain values {@link #read} makes, as this codec would write it as JSON, but with its
     * binary parts kept as {@code byte[]}: for formats other than JSON (MessagePack). The default takes
     * plain values only.
     *
     * @throws IllegalArgumentException when the value cannot be written
     */
    default Object toPlain(Object value) {
        throw new IllegalArgumentException("cannot convert " + value.getClass().getName());
    }

    /** The document is past one of the reader's bounds; the message names the bound, never the input. */
    final class LimitExceeded extends IOException {
        public LimitExceeded(String message) {
            super(message);
        }
    }
}
