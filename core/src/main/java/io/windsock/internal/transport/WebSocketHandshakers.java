package io.windsock.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;

/**
 * The WebSocket handshakers of the versions Node's {@code ws} accepts, 13 (RFC 6455) and 8 (its last
 * draft, the same framing), installing the frame decoder of our choice and one frame encoder shared
 * by every connection.
 */
final class WebSocketHandshakers {
    /**
     * Server frames are not masked, and the encoder keeps no state: one instance serves every
     * connection (Netty's handshaker would make one per connection).
     */
    private static final WebSocketFrameEncoder ENCODER = new SharedFrameEncoder();

    @ChannelHandler.Sharable
    private static final class SharedFrameEncoder extends WebSocket13FrameEncoder {
        SharedFrameEncoder() {
            super(false);
        }
    }

    private WebSocketHandshakers() {
    }

    /**
     * @param decoder the frame decoder the handshake puts in the pipeline, or null for Netty's own
     * @return null for another version (answer with 426 and the supported version)
     */
    static WebSocketServerHandshaker of(FullHttpRequest request, String location, WebSocketDecoderConfig config,
                                        WebSocketFrameDecoder decoder) {
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version) && !"8".equals(version)) {
            return null;
        }
        // Draft 8 answers with the same accept key and headers as RFC 6455: one handshaker serves both.
        return new WebSocketServerHandshaker13(location, null, config) {
            @Override
            protected WebSocketFrameDecoder newWebsocketDecoder() {
                return decoder != null ? decoder : super.newWebsocketDecoder();
            }

            @Override
            protected WebSocketFrameEncoder newWebSocketEncoder() {
                return ENCODER;
            }
        };
    }
}
