package io.windsock.internal.collect;

import java.util.List;
import java.util.Map;

/**
 * An immutable map of names to lists of values that is already as small as it gets: the handshake
 * request (the engine's EngineRequest) keeps it as it is instead of packing a copy.
 */
public interface CompactMultimap extends Map<String, List<String>> {
}
