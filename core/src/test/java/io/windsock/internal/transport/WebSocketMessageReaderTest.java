package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames in, whole messages out: fragments joined, UTF-8 checked, limits, and reading left to auto-read. */
class WebSocketMessageReaderTest {
    private static final int LIMIT = 16;
    private static final HexFormat HEX = HexFormat.of();

    /** Records what the reader hands on. */
    private static class Recorder extends WebSocketMessageReader {
        final List<Object> messages = new ArrayList<>();

        Recorder() {
            super(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(LIMIT).build(), true);
        }

        @Override
        protected void onText(String text) {
            messages.add(text);
        }

        @Override
        protected void onBinary(byte[] bytes) {
            messages.add(bytes);
        }

        @Override
        protected void onPing(ChannelHandlerContext ctx, PingWebSocketFrame ping) {
            messages.add("ping:" + ping.content().toString(StandardCharsets.US_ASCII));
        }

        @Override
        protected void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
            messages.add("close:" + close.statusCode());
        }

        @Override
        protected void onMessageError(String reason) {
            messages.add("error:" + reason);
        }
    }

    /** Counts the reads the pipeline asks for. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    // Client frames as on the wire, masked with key 00 00 00 00 so the payload reads as itself.
    private static final String TEXT_HELLO = "818500000000" + "68656c6c6f";           // FIN text "hello"
    private static final String TEXT_HE = "018200000000" + "6865";                     // text "he", more to come
    private static final String CONT_LLO = "808300000000" + "6c6c6f";                  // FIN continuation "llo"
    private static final String PING_P = "898100000000" + "70";                        // FIN ping "p"
    private static final String BINARY_010203 = "828300000000" + "010203";             // FIN binary
    private static final String TEXT_INVALID = "818300000000" + "61ff62";              // FIN text a 0xFF b
    private static final String CLOSE_1000 = "888200000000" + "03e8";                  // FIN close 1000

    private static EmbeddedChannel channel(Recorder reader) {
        return new EmbeddedChannel(reader);
    }

    private static void read(EmbeddedChannel ch, String hex) {
        ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(hex)));
    }

    @Test
    void wholeFramesAndJoinedFragmentsAreMessages() {
        Recorder reader = new Recorder();
        EmbeddedChannel ch = channel(reader);
        read(ch, TEXT_HELLO + TEXT_HE + PING_P + CONT_LLO + BINARY_010203 + CLOSE_1000);
        assertEquals(5, reader.messages.size(), reader.messages.toString());
        assertEquals("hello", reader.messages.get(0));
        assertEquals("ping:p", reader.messages.get(1), "a ping between fragments comes at once");
        assertEquals("hello", reader.messages.get(2));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) reader.messages.get(3));
        assertEquals("close:1000", reader.messages.get(4));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFragmentedMessageOverTheLimitClosesWith1009() {
        Recorder reader = new Recorder();
        EmbeddedChannel ch = channel(reader);
        String twelve = "616161616161616161616161";
        read(ch, "018c00000000" + twelve); // 12 bytes, more to come
        read(ch, "808c00000000" + twelve); // 24 in all: over 16, though each frame is under
        CloseWebSocketFrame close = ch.readOutbound();
        assertEquals(1009, close.statusCode());
        close.release();
        assertFalse(ch.isOpen());
        assertEquals(List.of("error:message over 16 bytes"), reader.messages);
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007AndNothingAfterItIsRead() {
        Recorder reader = new Recorder();
        EmbeddedChannel ch = channel(reader);
        read(ch, TEXT_INVALID + TEXT_HELLO);
        CloseWebSocketFrame close = ch.readOutbound();
        assertEquals(1007, close.statusCode());
        close.release();
        assertEquals(List.of("error:text message not UTF-8"), reader.messages);
    }

    @Test
    void noReadIsRequestedWhileAutoReadIsOffEvenForTheRestOfAFrame() {
        ReadCounter reads = new ReadCounter();
        Recorder reader = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(reads, reader);
        ch.config().setAutoRead(false);
        int before = reads.reads;
        read(ch, TEXT_HELLO.substring(0, 10)); // part of a frame
        assertEquals(before, reads.reads, "reading is left to auto-read (flow control holds it)");
        read(ch, TEXT_HELLO.substring(10));
        assertEquals(List.of("hello"), reader.messages);
        ch.config().setAutoRead(true);
        assertTrue(reads.reads > before);
        ch.finishAndReleaseAll();
    }

    @Test
    void aMessageWhoseHandlingThrowsIsReleasedOnceAndTheFramesAfterItToo() {
        Recorder throwing = new Recorder() {
            @Override
            protected void onText(String text) {
                super.onText(text);
                throw new IllegalStateException("handling failed");
            }
        };
        List<Throwable> caught = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(throwing, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                caught.add(cause);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                caught.add(new AssertionError("passed on: " + msg)); // a frame read here was released already
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        });
        ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(TEXT_HELLO + TEXT_HELLO)));
        assertEquals(List.of("hello"), throwing.messages, "the second frame is not handled after the first threw");
        assertEquals(1, caught.size(), caught::toString);
        assertTrue(caught.get(0).getCause() instanceof IllegalStateException, caught.get(0)::toString);
        ch.finishAndReleaseAll();
    }

    @Test
    void utf8IsCheckedStrictly() {
        assertEquals("a\u00e9\u20ac\ud83d\ude00", utf8("61c3a9e282acf09f9880"));
        assertEquals("\ufffd", utf8("efbfbd"), "U+FFFD itself is text");
        for (String bad : List.of("ff", "c3", "eda080", "c0af", "f4908080", "e282", "80")) {
            assertNull(utf8(bad), bad);
        }
    }

    /** Decodes hex from a direct buffer, after a byte already read: the decoder keeps to the readable bytes. */
    private static String utf8(String hex) {
        byte[] bytes = HEX.parseHex("ff" + hex);
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        try {
            direct.skipBytes(1);
            return WebSocketMessageReader.utf8(direct);
        } finally {
            direct.release();
        }
    }
}
