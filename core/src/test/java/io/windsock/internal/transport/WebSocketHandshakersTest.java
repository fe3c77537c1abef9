package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The WebSocket versions Node's ws accepts (13 and draft 8) are answered alike; others are refused. */
class WebSocketHandshakersTest {
    private static final WebSocketDecoderConfig CONFIG = WebSocketDecoderConfig.newBuilder().build();

    private static FullHttpRequest upgrade(String version) {
        // Not validated: spaces around the value test the check itself (Netty's decoder trims them).
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/socket.io/",
                Unpooled.buffer(0), DefaultHttpHeadersFactory.headersFactory().withValidation(false),
                DefaultHttpHeadersFactory.trailersFactory());
        request.headers().set("Host", "localhost").set("Upgrade", "websocket").set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        if (version != null) {
            request.headers().set("Sec-WebSocket-Version", version);
        }
        return request;
    }

    @Test
    void versions13And8GetTheRfc6455Answer() {
        for (String version : new String[] {"13", "8"}) {
            FullHttpRequest request = upgrade(version);
            WebSocketServerHandshaker handshaker = WebSocketHandshakers.of(request, "ws://localhost/socket.io/", CONFIG,
                    null);
            EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder(), new HttpRequestDecoder());
            assertTrue(handshaker.handshake(channel, request).isSuccess(), version);
            ByteBuf response = channel.readOutbound();
            String text = response.toString(StandardCharsets.US_ASCII);
            response.release();
            assertTrue(text.startsWith("HTTP/1.1 101"), text);
            // RFC 6455's example key and its accept value
            assertTrue(text.toLowerCase().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), text);
            request.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aKeyIsSixteenBytesInBase64AsWsHasIt() {
        assertTrue(WebSocketHandshakers.isValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
        assertTrue(WebSocketHandshakers.isValidKey("+/0123456789AZaz+/09AZ=="));
        for (String key : new String[] {null, "", "x", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=",
                "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25jZ-==", "dGhlIHNhbXBsZSBub25jZ_==",
                "dGhlIHNhbXBsZSBub25jZQA=", " dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZ\u00e9=="}) {
            assertFalse(WebSocketHandshakers.isValidKey(key), key);
        }
    }

    /**
     * ws reads the version as JavaScript's {@code Number()} does ({@code +header}) and takes 13 and 8:
     * the same spellings of them pass here, and nothing else does.
     */
    @Test
    void theVersionIsReadAsWsReadsIt() {
        for (String version : new String[] {"13", "8", "013", "0013", "13.0", "13.", "+13", "1.3e1", "130e-1", "8.000",
                "0xd", "0XD", "0x0d", "0o15", "0O10", "0b1101", "0B1000", " 13", "13 ", "\t13\t", "\u00a013",
                "\u200013\u3000", "\ufeff8", "13.000000000000000001"}) {
            assertTrue(WebSocketHandshakers.isSupportedVersion(version), "'" + version + "'");
            FullHttpRequest request = upgrade(version);
            assertNull(WebSocketHandshakers.refusal(request), version);
            assertNotNull(WebSocketHandshakers.of(request, "ws://localhost/socket.io/", CONFIG, null), version);
            request.release();
        }
        for (String version : new String[] {"", " ", "7", "-13", "-8", "13a", "1 3", "13,8", "13, 13", "0x", "0xg",
                "-0xd", "+0xd", "00xd", "0d13", "13e", "13e+", ".", "Infinity", "NaN", "13_0", "0x_d", "13d", "13f",
                "0x1.ap3", "\u0661\u0663", "\uff11\uff13", "1".repeat(8000) + "x", "1".repeat(8000)}) {
            assertFalse(WebSocketHandshakers.isSupportedVersion(version), "'" + version + "'");
            FullHttpRequest request = upgrade(version);
            assertEquals(WebSocketHandshakers.Refusal.VERSION, WebSocketHandshakers.refusal(request), version);
            request.release();
        }
        assertEquals(13.0, WebSocketHandshakers.jsNumber("0x0000000000000000000000d"));
        assertEquals(0.0, WebSocketHandshakers.jsNumber(" \n "));
        assertEquals(Double.NEGATIVE_INFINITY, WebSocketHandshakers.jsNumber("-Infinity"));
        assertTrue(Double.isNaN(WebSocketHandshakers.jsNumber("infinity")));
    }

    /** Node joins a repeated header with ", ": ws then finds neither a key nor a version it takes. */
    @Test
    void aRepeatedKeyOrVersionIsRefusedAsWsRefusesIt() {
        FullHttpRequest twoVersions = upgrade("13");
        twoVersions.headers().add("Sec-WebSocket-Version", "13");
        assertEquals(WebSocketHandshakers.Refusal.VERSION, WebSocketHandshakers.refusal(twoVersions));
        assertNull(WebSocketHandshakers.of(twoVersions, "ws://localhost/socket.io/", CONFIG, null));
        twoVersions.release();
        FullHttpRequest twoKeys = upgrade("13");
        twoKeys.headers().add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        assertEquals(WebSocketHandshakers.Refusal.KEY, WebSocketHandshakers.refusal(twoKeys));
        twoKeys.release();
    }

    @Test
    void otherVersionsAreRefused() {
        for (String version : new String[] {"7", "0", "14", null}) {
            FullHttpRequest request = upgrade(version);
            assertNull(WebSocketHandshakers.of(request, "ws://localhost/socket.io/", CONFIG, null), version);
            request.release();
        }
    }
}
