package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
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
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/socket.io/");
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

    @Test
    void otherVersionsAreRefused() {
        for (String version : new String[] {"7", "0", "14", null}) {
            FullHttpRequest request = upgrade(version);
            assertNull(WebSocketHandshakers.of(request, "ws://localhost/socket.io/", CONFIG, null), version);
            request.release();
        }
    }
}
