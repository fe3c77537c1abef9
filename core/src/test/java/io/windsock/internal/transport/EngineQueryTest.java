package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's parameters read without a parameter map answer as the whole query's decoding does:
 * Netty's decoder with Node's separator, {@code &} alone.
 */
class EngineQueryTest {
    @Test
    void aPollsParameters() {
        EngineQuery query = new EngineQuery("/socket.io/?EIO=4&transport=polling&t=PXk3a1b&sid=lv_VI97HAXpY6yYWAAAC");
        assertEquals("/socket.io/", query.path());
        assertEquals("4", query.eio());
        assertEquals("polling", query.transport());
        assertEquals("lv_VI97HAXpY6yYWAAAC", query.sid());
        assertNull(query.jsonp());
        assertNull(query.b64());
    }

    @Test
    void lastValueWinsAsInEngineIoAndEscapesDecode() {
        EngineQuery query = new EngineQuery("/socket.io/?EIO=4&%45IO=3&transport=poll%69ng&j=2&j=1&b64&sid=a+b%2Bc");
        assertEquals("3", query.eio());
        assertEquals("polling", query.transport());
        assertEquals("1", query.jsonp());
        assertEquals("", query.b64());
        assertEquals("a b+c", query.sid());
    }

    /** Node splits on {@code &} only (URLSearchParams; 3.x's and 0.9's querystring): a semicolon is part of a value. */
    @Test
    void aSemicolonIsPartOfAValueAsInNode() {
        EngineQuery query = new EngineQuery("/socket.io/?sid=ab;transport=websocket&transport=polling;x&EIO=4;");
        assertEquals("ab;transport=websocket", query.sid());
        assertEquals("polling;x", query.transport());
        assertEquals("4;", query.eio());
        assertEquals(Map.of("EIO", List.of("4"), "transport", List.of("polling"), "token", List.of("a;b"),
                        "x", List.of("1;y=2"), ";", List.of("")),
                UriQuery.parameters("/socket.io/?EIO=4&transport=polling&token=a;b&x=1;y=2&;"));
        assertEquals(Map.of("t", List.of("a;b c")), new UriQuery("/socket.io/1/?t=a%3Bb+c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/socket.io/?EIO=4;transport=polling", "/socket.io/?transport=polling;EIO=4&sid=1;2", "/socket.io/?;EIO=4",
        "/socket.io/", "/socket.io/?", "/socket.io/?EIO", "/socket.io/?EIO=", "/socket.io/?=EIO=4", "/socket.io/?==4",
        "/socket.io/?&&EIO=4&&", "/socket.io/?EIO==4", "/socket.io/?EIO=4#sid=x", "/socket.io/#?EIO=4",
        "/socket.io/?transport=websocket&EIO=4&b64=1", "/socket%2Eio/?EIO=4", "/socket.io/a+b?sid=%C3%A9",
        "/socket.io/?x=%E2%82&EIO=4", "/socket.io/?EIO=4#%ZZ", "/socket.io/?EIO=4&sid=%FF",
        "/socket.io/?j=12&EIO=3&transport=polling&b64=",
        "/socket.io/?EIO=3&transport=websocket&EIO=4&transport=polling", "/socket.io/?sid=a&sid=&j=1&j=2&b64=1&b64",
    })
    void sameAsTheWholeQuerysDecodingTheLastOfARepeatedName(String uri) {
        EngineQuery query = new EngineQuery(uri);
        assertEquals(new QueryStringDecoder(uri).path(), query.path());
        Map<String, List<String>> parameters = UriQuery.parameters(uri);
        assertEquals(last(parameters, "EIO"), query.eio());
        assertEquals(last(parameters, "transport"), query.transport());
        assertEquals(last(parameters, "sid"), query.sid());
        assertEquals(last(parameters, "j"), query.jsonp());
        assertEquals(last(parameters, "b64"), query.b64());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/socket.io/?EIO=4&x=%zz", "/socket.io/?sid=%ZZ#", "/socket.io/?EIO=4&x=%4", "/socket.io/?%=1", "/socket.io/?sid=%"})
    void malformedEscapesAnywhereAreRefusedAsNettyRefusesThem(String uri) {
        assertThrows(IllegalArgumentException.class, () -> UriQuery.parameters(uri));
        assertThrows(IllegalArgumentException.class, () -> new EngineQuery(uri).transport());
        assertEquals(new QueryStringDecoder(uri).path(), new EngineQuery(uri).path()); // the path alone is fine
    }

    /** Through the routing handler: such a request gets a 400 (it used to be closed without an answer). */
    @ParameterizedTest
    @ValueSource(strings = {"/socket.io/?EIO=4&transport=polling&x=%zz", "/socket.io/?sid=%ZZ#", "/socket.io/?%=1"})
    void aMalformedEscapeInAnEngineRequestIsABadRequest(String uri) {
        HttpExchange.Response response = HttpExchange.send(
                HttpExchange.config("/socket.io/", null, HttpFallback.NONE, null), io.netty.handler.codec.http.HttpMethod.GET, uri);
        assertEquals(400, response.status(), uri);
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", response.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/page%4.html"})
    void aMalformedEscapeElsewhereIsABadRequest(String uri) {
        HttpExchange.Response response = HttpExchange.send(
                HttpExchange.config("/socket.io/", null, HttpFallback.NONE, null), io.netty.handler.codec.http.HttpMethod.GET, uri);
        assertEquals(400, response.status(), uri);
        assertEquals("Bad Request", response.text());
    }

    /** Node compares the URL's prefix as sent: an escaped form of the path is not Engine.IO's. */
    @ParameterizedTest
    @ValueSource(strings = {"/%73ocket.io/?EIO=4&transport=polling", "/socket%2Eio/?EIO=4&transport=polling",
        "/socket.io%2F?EIO=4&transport=polling"})
    void anEscapedFormOfThePathGoesToTheFallback(String uri) {
        HttpExchange.Response response = HttpExchange.send(
                HttpExchange.config("/socket.io/", null, HttpFallback.NONE, null), io.netty.handler.codec.http.HttpMethod.GET, uri);
        assertEquals(404, response.status(), uri);
        assertEquals("Not Found", response.text());
    }

    @Test
    void onlyTheFirst1024ParametersCount() {
        String uri = "/socket.io/?" + "a=1&".repeat(1023) + "EIO=4&sid=late";
        assertEquals("4", new EngineQuery(uri).eio());
        assertNull(new EngineQuery(uri).sid());
        assertNull(last(UriQuery.parameters(uri), "sid"));
    }

    /** engine.io 6 reads its parameters through {@code Object.fromEntries}: the last of a name wins. */
    private static String last(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
