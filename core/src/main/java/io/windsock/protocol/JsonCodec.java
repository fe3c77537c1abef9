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
    Object read(String json) throws IOException;

    String write(Object value);
}
