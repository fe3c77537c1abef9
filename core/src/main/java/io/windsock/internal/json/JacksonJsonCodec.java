package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.windsock.internal.protocol.JsonCodec;
import io.windsock.internal.protocol.NonFiniteList;
import io.windsock.internal.protocol.NonFiniteMap;
import io.windsock.protocol.ProtocolLimits;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link JsonCodec} for the wire. Two mappers, on purpose:
 * <ul>
 * <li>incoming JSON is read by Windsock's own locked-down reader, whatever the application configured:
 *     plain values only (no default typing, no type ids honoured), nesting depth, document, string
 *     and number lengths bounded, duplicate keys refused, nothing after the value;</li>
 * <li>the application's mapper ({@link #mapper()}) writes outgoing values and converts decoded
 *     values into handlers' declared parameter types.</li>
 * </ul>
 * Output never carries an unpaired surrogate raw: it is written as a {@code \\uXXXX} escape, as
 * {@code JSON.stringify} does, so it survives UTF-8 and reaches the client unchanged. A {@code NaN} or
 * an infinite number is written {@code null}, as {@code JSON.stringify} writes it ({@link WireGenerator}).
 */
public final class JacksonJsonCodec implements JsonCodec {
    /** Numbers longer than this are refused: a JavaScript number never needs more than 25 characters. */
    static final int MAX_NUMBER_LENGTH = 100;

    private final ObjectMapper mapper;
    /** Made once: a reader and a writer are immutable and skip the mapper's per-call set-up. */
    private final ObjectReader wireReader;
    private final ObjectWriter writer;

    /**
     * @param mapper the application's mapper: it writes outgoing values and binds handler parameters;
     *               never used to read the wire
     * @param limits the decoder's limits: JSON depth and document length
     */
    public JacksonJsonCodec(ObjectMapper mapper, ProtocolLimits limits) {
        this.mapper = Objects.requireNonNull(mapper, "mapper").copy()
                .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
        this.wireReader = wireMapper(limits).readerFor(Object.class);
        this.writer = this.mapper.writer();
    }

    public JacksonJsonCodec(ObjectMapper mapper) {
        this(mapper, ProtocolLimits.DEFAULT);
    }

    public JacksonJsonCodec() {
        this(new ObjectMapper());
    }

    private static ObjectMapper wireMapper(ProtocolLimits limits) {
        int maxLength = limits.maxPacketLength();
        JsonFactoryBuilder factory = new JsonFactoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxJsonDepth())
                        .maxDocumentLength(maxLength)
                        .maxStringLength(maxLength)
                        .maxNameLength(maxLength)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                // JSON.parse keeps the last of two equal keys; two readers of one payload (a proxy, a
                // handler) could then disagree on its value. No JSON.stringify output has duplicates.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        return JsonMapper.builder(new FlaggingJsonFactory(factory))
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .build();
    }

    /** @return the application's mapper (a copy): for converting decoded values into declared types. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads wire JSON into plain values; see the class comment for what is refused. An array holding a
     * number beyond a double's range at any depth comes back as a {@link NonFiniteList}, an object as a
     * {@link NonFiniteMap}.
     */
    @Override
    public Object read(String json) throws IOException {
        try (JsonParser parser = wireReader.createParser(json)) {
            Object value = wireReader.readValue(parser);
            if (parser.nextToken() != null) { // what readValue(String) checks (FAIL_ON_TRAILING_TOKENS)
                throw new IOException("trailing content after the JSON value");
            }
            if (FlaggingJsonFactory.sawNonFinite(parser)) { // rare: the copy costs nothing in the common case
                if (value instanceof List<?> list) {
                    return new NonFiniteList(list);
                }
                if (value instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> object = (Map<String, ?>) map;
                    return new NonFiniteMap(object);
                }
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new LimitExceeded(e.getOriginalMessage()); // numbers and bounds only, no input
        }
    }

    /** Binary anywhere in the value, whatever its type, becomes an attachment: see {@link AttachmentGenerator}. */
    @Override
    public String write(Object value, List<byte[]> attachments) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator generator = new AttachmentGenerator(mapper.getFactory().createGenerator(out), attachments)) {
            writer.writeValue(generator, value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getName() + " as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail; a serializer might
        }
        return Surrogates.escapeUnpaired(out.toString());
    }

    /** Through the application's mapper, binary kept: see {@link PlainValues}. */
    @Override
    public Object toPlain(Object value) {
        return PlainValues.of(value, mapper, writer);
    }

    @Override
    public String write(Object value) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator generator = new WireGenerator(mapper.getFactory().createGenerator(out))) {
            writer.writeValue(generator, value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getName() + " as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Surrogates.escapeUnpaired(out.toString());
    }
}
