package io.windsock.internal.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The WebSocket handshakers of the versions Node's {@code ws} accepts, 13 (RFC 6455) and 8 (its last
 * draft, the same framing), installing the frame decoder of our choice and one frame encoder shared
 * by every connection; the checks ws makes before its handshake, and the refusals; how frames are
 * read and inflated.
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

    /** What the inflater may take past maxHttpBufferSize (see {@link #compression}). */
    private static final int INFLATE_SLACK = 1024;

    /**
     * ECMAScript's StrDecimalLiteral ({@code \d} is ASCII here). Possessive: a long header of digits
     * that fails at its end costs one pass, not one per digit.
     */
    private static final Pattern JS_DECIMAL =
            Pattern.compile("[+-]?+(?:Infinity|(?:\\d++(?:\\.\\d*+)?+|\\.\\d++)(?:[eE][+-]?+\\d++)?+)");
    /** ECMAScript's NonDecimalIntegerLiteral, unsigned and without separators as StringToNumber takes it. */
    private static final Pattern JS_RADIX_INTEGER = Pattern.compile("0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)");

    /** The versions ws takes, as it names them when it refuses another. */
    static final String VERSIONS = "13, 8";

    /** Why ws refuses an upgrade request, with its status and message. */
    enum Refusal {
        METHOD(HttpResponseStatus.METHOD_NOT_ALLOWED, "Invalid HTTP method"),
        KEY(HttpResponseStatus.BAD_REQUEST, "Missing or invalid Sec-WebSocket-Key header"),
        /** Answered with the versions taken ({@link #VERSIONS}). */
        VERSION(HttpResponseStatus.BAD_REQUEST, "Missing or invalid Sec-WebSocket-Version header");

        final HttpResponseStatus status;
        final String message;

        Refusal(HttpResponseStatus status, String message) {
            this.status = status;
            this.message = message;
        }
    }

    private WebSocketHandshakers() {
    }

    /**
     * How WebSocket frames are read: frames up to maxHttpBufferSize (a larger one closes with 1009),
     * extensions when compression is on, and protocol errors closed with their status.
     */
    static WebSocketDecoderConfig decoding(TransportConfig config) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.engine().maxHttpBufferSize())
                .allowExtensions(config.perMessageDeflate())
                .build();
    }

    /**
     * permessage-deflate, inflating a frame into at most maxHttpBufferSize and 1 KB more: a bomb is
     * refused before it takes more. Netty's inflater gives up when less than 512 bytes of its bounded
     * buffer are free after a step, even when what is left would fit, so a bound at maxHttpBufferSize
     * itself would refuse messages just under it. Past maxHttpBufferSize the message reader refuses
     * the frame with 1009, and so it does when the inflater gives up.
     */
    static WebSocketServerCompressionHandler compression(TransportConfig config) {
        return new WebSocketServerCompressionHandler(
                (int) Math.min(Integer.MAX_VALUE, (long) config.engine().maxHttpBufferSize() + INFLATE_SLACK));
    }

    /**
     * The checks ws makes of an upgrade request before its handshake, in its order (Netty refuses a
     * method other than GET with no answer it can send, takes any non-empty key and answers another
     * version with 426 on a connection it keeps).
     *
     * @return why ws refuses it (405 or 400, and the connection closed), or null when it passes
     */
    static Refusal refusal(HttpRequest request) {
        if (!HttpMethod.GET.equals(request.method())) {
            return Refusal.METHOD;
        }
        List<String> keys = request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (keys.size() != 1 || !isValidKey(keys.get(0))) { // repeated, Node joins them: no key then
            return Refusal.KEY;
        }
        if (!isSupportedVersion(request.headers())) {
            return Refusal.VERSION;
        }
        return null;
    }

    /** ws's key check, {@code /^[+/0-9A-Za-z]{22}==$/}: 16 bytes in base64, as RFC 6455 has it. */
    static boolean isValidKey(String key) {
        if (key == null || key.length() != 24 || !key.endsWith("==")) {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /**
     * ws's version check: one header (Node joins repeated ones with ", ", which no number reads), read
     * as JavaScript's {@code Number()} reads it, 13 or 8. So {@code 013}, {@code 13.0} or {@code 0xd}
     * pass as in ws; they all ask for the framing the RFC 6455 handshake gives.
     */
    static boolean isSupportedVersion(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        return values.size() == 1 && isSupportedVersion(values.get(0));
    }

    static boolean isSupportedVersion(String version) {
        if ("13".equals(version) || "8".equals(version)) {
            return true; // what clients send
        }
        double number = version == null ? Double.NaN : jsNumber(version);
        return number == 13 || number == 8;
    }

    /** JavaScript's {@code Number(text)} (ECMAScript's StringToNumber); NaN for what it does not read. */
    static double jsNumber(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isJsSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isJsSpace(text.charAt(end - 1))) {
            end--;
        }
        String trimmed = text.substring(start, end);
        if (trimmed.isEmpty()) {
            return 0;
        }
        if (JS_RADIX_INTEGER.matcher(trimmed).matches()) {
            char prefix = Character.toLowerCase(trimmed.charAt(1));
            int radix = prefix == 'x' ? 16 : prefix == 'o' ? 8 : 2;
            double value = 0; // past a double's precision it rounds, but never to 8 or 13
            for (int i = 2; i < trimmed.length(); i++) {
                value = value * radix + Character.digit(trimmed.charAt(i), radix); // ASCII digits: matched above
            }
            return value;
        }
        if (!JS_DECIMAL.matcher(trimmed).matches()) {
            return Double.NaN;
        }
        if (trimmed.endsWith("Infinity")) {
            return trimmed.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(trimmed); // rounds to nearest, as JavaScript does
    }

    /** JavaScript's white space and line terminators, which {@code Number()} trims. */
    private static boolean isJsSpace(char c) {
        return c == ' ' || c >= '\t' && c <= '\r' || c == '\u00a0' || c == '\ufeff' || c == '\u2028' || c == '\u2029'
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    /**
     * @param decoder the frame decoder the handshake puts in the pipeline, or null for Netty's own
     * @return null for another version (see {@link #refusal})
     */
    static WebSocketServerHandshaker of(FullHttpRequest request, String location, WebSocketDecoderConfig config,
                                        WebSocketFrameDecoder decoder) {
        if (!isSupportedVersion(request.headers())) {
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

    /**
     * An upgrade ws refuses: its status, its message as an HTML body, and the connection closed; a
     * bad version is answered with the versions taken, as ws answers it.
     */
    static void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        FullHttpResponse response = HttpResponses.newResponse(refusal.status,
                Unpooled.copiedBuffer(refusal.message, StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.TEXT_HTML_VALUE);
        if (refusal == Refusal.VERSION) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSIONS);
        }
        HttpResponses.send(ctx, false, response);
    }

    /** A WebSocket handshake Netty cannot answer: 400, and the connection closes. */
    static void refuseUnanswerable(Channel channel) {
        FullHttpResponse response = HttpResponses.newResponse(HttpResponseStatus.BAD_REQUEST,
                Unpooled.copiedBuffer("Bad Request", StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.TEXT_PLAIN_VALUE);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        // The idle closer has left: a client that does not read its answer is closed anyway.
        WebSocketClose.closeAfter(channel, WebSocketClose.REPLY_TIMEOUT_MILLIS);
    }
}
