package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/** {@link JsonCodec} on a Jackson {@link ObjectMapper}; application objects are written as Jackson would. */
public final class JacksonJsonCodec implements JsonCodec {
    private final ObjectMapper mapper;

    public JacksonJsonCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper").copy()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    }

    public JacksonJsonCodec() {
        this(new ObjectMapper());
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public Object read(String json) throws IOException {
        return mapper.readValue(json, Object.class);
    }

    @Override
    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }
}
