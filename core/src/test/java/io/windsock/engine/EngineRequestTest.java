package io.windsock.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handshake's headers and query, kept packed: every lookup and view answers as the copied maps did. */
class EngineRequestTest {
    private static EngineRequest request(Map<String, List<String>> query, Map<String, List<String>> headers) {
        return new EngineRequest("GET", "/socket.io/?EIO=4", query, headers,
                new InetSocketAddress("127.0.0.1", 1234), false);
    }

    @Test
    void valuesWithDigitsColonsAndEmptinessComeBackAsGiven() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("EIO", List.of("4"));
        query.put("12:3", List.of("", "4:5", "é\u2603"));
        query.put("", List.of("empty name"));
        query.put("none", List.of());
        EngineRequest request = request(query, Map.of("cookie", List.of("a=1; b=2")));

        assertEquals("4", request.queryParam("EIO"));
        assertEquals(List.of("", "4:5", "é\u2603"), request.query().get("12:3"));
        assertEquals("", request.queryParam("12:3"));
        assertEquals(List.of("empty name"), request.query().get(""));
        assertEquals(List.of(), request.query().get("none"));
        assertNull(request.queryParam("none"));
        assertNull(request.queryParam("EI"));
        assertNull(request.query().get("EIO4"));
        assertEquals("a=1; b=2", request.header("Cookie"));
        assertEquals(4, request.query().size());
        assertEquals(query, request.query());
        assertEquals(request.query(), query);
        assertEquals(query.hashCode(), request.query().hashCode());
        assertEquals(List.copyOf(query.keySet()), List.copyOf(request.query().keySet()));
    }

    @Test
    void mapsAreImmutableAndRefuseNull() {
        EngineRequest request = request(Map.of("a", List.of("1")), Map.of());
        assertThrows(UnsupportedOperationException.class, () -> request.query().put("b", List.of("2")));
        assertThrows(UnsupportedOperationException.class, () -> request.query().get("a").add("3"));
        assertThrows(NullPointerException.class, () -> request.query().get(null));
        assertTrue(request.headers().isEmpty());
        assertNull(request.header("host"));
        assertEquals(request, request(Map.of("a", List.of("1")), Map.of()));
    }
}
