package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.windsock.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/** {@link JsonCodec} on a Jackson {@link ObjectMapper}; application objects are written as Jackson would. */
public final class JacksonJsonCodec implements JsonCodec {
    private final ObjectMapper mapper;
    /** Made once: a reader and a writer are immutable and skip the mapper's per-call set-up. */
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JacksonJsonCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper").copy()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
        this.reader = this.mapper.readerFor(Object.class);
        this.writer = this.mapper.writer();
    }

    public JacksonJsonCodec() {
        this(new ObjectMapper());
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public Object read(String json) throws IOException {
        return reader.readValue(json);
    }

    @Override
    public String write(Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }
}
