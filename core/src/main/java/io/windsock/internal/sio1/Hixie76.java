package io.windsock.internal.sio1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
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

    static WebSocketServerHandshaker handshaker(String location, int maxFrameBytes) {
        return new WebSocketServerHandshaker00(location, null, maxFrameBytes) {
            @Override
            protected WebSocketFrameDecoder newWebsocketDecoder() {
                return new Decoder(maxFrameBytes);
            }
        };
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
