package io.windsock.protocol;

import java.io.IOException;

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

    /** The document is past one of the reader's bounds; the message names the bound, never the input. */
    final class LimitExceeded extends IOException {
        public LimitExceeded(String message) {
            super(message);
        }
    }
}
