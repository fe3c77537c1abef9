package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.WrappedByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hixie-76 frame decoder of protocol 1's WebSocket and flashsocket, read in pieces. */
class Hixie76DecoderTest {
    /** Bytes searched for a frame's end, over every read of a connection. */
    private long searched;

    @Test
    void aFrameArrivingInManyReadsIsSearchedOnce() {
        int length = 50_000;
        int piece = 10;
        byte[] text = new byte[length];
        Arrays.fill(text, (byte) 'a');
        EmbeddedChannel channel = channel();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00}));
            for (int i = 0; i < length; i += piece) {
                channel.writeInbound(Unpooled.wrappedBuffer(text, i, piece));
            }
            assertNull(channel.readInbound(), "no frame before its end byte");
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF}));
            TextWebSocketFrame frame = channel.readInbound();
            try {
                assertEquals(length, frame.content().readableBytes());
            } finally {
                frame.release();
            }
            // Searching the whole frame again on every read examined about length² / (2 * piece) bytes
            // (125 million here); once each is length.
            assertTrue(searched <= 2L * length, "bytes searched: " + searched);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void framesSplitAnywhereComeOutWhole() {
        EmbeddedChannel channel = channel();
        try {
            channel.writeInbound(bytes("\0abc"));
            channel.writeInbound(bytes("de\u00ff\0fg"));
            assertEquals("abcde", readText(channel));
            assertNull(channel.readInbound());
            channel.writeInbound(bytes("h"));
            channel.writeInbound(bytes("\u00ff\0"));
            assertEquals("fgh", readText(channel));
            channel.writeInbound(bytes("\u00ff\0i\u00ff"));
            assertEquals("", readText(channel));
            assertEquals("i", readText(channel));
            assertNull(channel.readInbound());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** A decoder whose cumulation counts the bytes searched in it. */
    private EmbeddedChannel channel() {
        Hixie76.Decoder decoder = new Hixie76.Decoder(1 << 20);
        decoder.setCumulator((alloc, cumulation, in) -> {
            ByteBuf into = cumulation instanceof Counting ? cumulation : new Counting(alloc.heapBuffer(256));
            try {
                into.writeBytes(in);
            } finally {
                in.release();
            }
            return into;
        });
        return new EmbeddedChannel(decoder);
    }

    private final class Counting extends WrappedByteBuf {
        Counting(ByteBuf buf) {
            super(buf);
        }

        @Override
        public int indexOf(int fromIndex, int toIndex, byte value) {
            searched += Math.abs(toIndex - fromIndex);
            return super.indexOf(fromIndex, toIndex, value);
        }

        @Override
        public int bytesBefore(int index, int length, byte value) {
            searched += length;
            return super.bytesBefore(index, length, value);
        }

        @Override
        public int bytesBefore(int length, byte value) {
            searched += length;
            return super.bytesBefore(length, value);
        }

        @Override
        public int bytesBefore(byte value) {
            searched += readableBytes();
            return super.bytesBefore(value);
        }

        @Override
        public int forEachByte(int index, int length, ByteProcessor processor) {
            searched += length;
            return super.forEachByte(index, length, processor);
        }

        @Override
        public int forEachByte(ByteProcessor processor) {
            searched += readableBytes();
            return super.forEachByte(processor);
        }
    }

    private static ByteBuf bytes(String latin1) {
        return Unpooled.copiedBuffer(latin1, StandardCharsets.ISO_8859_1);
    }

    private static String readText(EmbeddedChannel channel) {
        TextWebSocketFrame frame = channel.readInbound();
        try {
            return frame.text();
        } finally {
            frame.release();
        }
    }
}
