package io.windsock.internal.sio1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker00;
import java.util.List;

/**
 * The hixie-76 (draft 00) WebSocket of old Safari and the Flash bridge, on Netty's 00 handshaker
 * with a frame decoder of our own: Netty's loses the byte after a frame-start byte that arrives
 * alone in a read.
 */
final class Hixie76 {
    private Hixie76() {
    }

    /**
     * A handshaker that refuses a malformed hixie-76 request with a {@link WebSocketServerHandshakeException}
     * before Netty's own, which allocates its 101 response first and loses it when it cannot read the
     * keys (an exception of another kind).
     */
    static WebSocketServerHandshaker handshaker(String location, int maxFrameBytes) {
        return new WebSocketServerHandshaker00(location, null, maxFrameBytes) {
            @Override
            protected FullHttpResponse newHandshakeResponse(FullHttpRequest request, HttpHeaders headers) {
                String malformed = malformed(request);
                if (malformed != null) {
                    throw new WebSocketServerHandshakeException(malformed, request);
                }
                return super.newHandshakeResponse(request, headers);
            }

            @Override
            protected WebSocketFrameDecoder newWebsocketDecoder() {
                return new Decoder(maxFrameBytes);
            }
        };
    }

    /**
     * What is wrong with a hixie-76 handshake, or null: each key's digits divided by its spaces must
     * be a whole number of 32 bits (draft 76 aborts otherwise), the 8 bytes of the third key must
     * follow the headers, and browsers send an Origin, which the answer repeats. A request with
     * neither key (hixie-75) is left to Netty, which checks it before allocating anything.
     */
    static String malformed(FullHttpRequest request) {
        String key1 = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY1);
        String key2 = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY2);
        if (key1 == null && key2 == null) {
            return null;
        }
        if (keyNumber(key1) < 0 || keyNumber(key2) < 0) {
            return "malformed hixie-76 key";
        }
        if (request.content().readableBytes() < 8) {
            return "hixie-76 handshake without the 8 bytes of its third key";
        }
        if (!request.headers().contains(HttpHeaderNames.ORIGIN)) {
            return "hixie-76 handshake without Origin";
        }
        return null;
    }

    /** A key's digits (as a number) divided by its spaces, or -1 when that is not a whole 32-bit number. */
    static long keyNumber(String key) {
        if (key == null) {
            return -1;
        }
        int spaces = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == ' ') {
                spaces++;
            }
        }
        if (spaces == 0) {
            return -1;
        }
        long max = 0xFFFFFFFFL * spaces;
        long digits = -1;
        for (int i = 0; i < key.length(); i++) {
            int digit = key.charAt(i) - '0';
            if (digit >= 0 && digit <= 9) {
                long before = Math.max(digits, 0);
                if (before > (max - digit) / 10) {
                    return -1; // over 32 bits once divided (found before the number could pass a long)
                }
                digits = before * 10 + digit;
            }
        }
        return digits < 0 || digits % spaces != 0 ? -1 : digits / spaces;
    }

    /** Text frames ({@code 0x00 <UTF-8> 0xFF}) and the closing handshake ({@code 0xFF 0x00}); nothing else. */
    static final class Decoder extends ByteToMessageDecoder implements WebSocketFrameDecoder {
        private final int maxFrameBytes;
        private boolean closed;
        /**
         * Bytes of the frame being read (after its start byte) already searched for its end: a frame
         * arriving in many reads is searched once, not again from its start on every read.
         */
        private int searched;

        Decoder(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (!closed && in.isReadable()) {
                int start = in.readerIndex();
                byte type = in.getByte(start);
                if (type == 0x00) {
                    int end = in.indexOf(start + 1 + searched, in.writerIndex(), (byte) 0xFF);
                    if (end < 0) {
                        if (in.readableBytes() - 1 > maxFrameBytes) {
                            throw new TooLongFrameException("hixie-76 frame over " + maxFrameBytes + " bytes");
                        }
                        // Relative to the reader index, which stays at the frame's start until it is
                        // read (discarding read bytes moves both).
                        searched = in.writerIndex() - start - 1;
                        return; // the rest of the frame is still on its way
                    }
                    searched = 0;
                    ByteBuf text = in.retainedSlice(start + 1, end - start - 1);
                    in.readerIndex(end + 1);
                    out.add(new TextWebSocketFrame(text));
                } else if ((type & 0xFF) == 0xFF) {
                    if (in.readableBytes() < 2) {
                        return;
                    }
                    in.skipBytes(in.readableBytes());
                    closed = true;
                    out.add(new CloseWebSocketFrame());
                } else {
                    // Length-prefixed binary frames: no client of protocol 1 sends them.
                    in.skipBytes(in.readableBytes());
                    closed = true;
                    ctx.close();
                }
            }
            if (closed) {
                in.skipBytes(in.readableBytes());
            }
        }
    }
}
