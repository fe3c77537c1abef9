package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DataFormatException;

/**
 * Reads a WebSocket's frames into whole messages: joins fragments (at most {@code maxMessageBytes}
 * in all, else close 1009), checks that text is UTF-8 (else close 1007, as Node's {@code ws}) and
 * hands on text as a {@code String}, binary as a {@code byte[]}, pings and closes as they come.
 *
 * <p>Why one class does what Netty spreads over a frame decoder, a UTF-8 validator and an aggregator:
 * every pipeline entry costs each connection a context and a handler, a quarter of an idle
 * connection's heap. So this handler is itself the frame decoder (its subclass is installed as the
 * handshaker's decoder), and nothing else reads the connection. Where a WebSocket extension
 * (permessage-deflate) must decompress frames between the decoder and this reader, it instead sits
 * at the end of the pipeline behind Netty's decoder and the extension's, and takes their frames
 * through {@link #channelRead}.
 *
 * <p>Reading is driven by auto-read alone: when it is off (flow control, or a connection not yet
 * attached to its session), no read is requested here, not even for the rest of a frame.
 */
abstract class WebSocketMessageReader extends WebSocket13FrameDecoder {
    private final int maxMessageBytes;
    private final boolean decodesFrames;
    /** The fragments of a message being joined, or null. */
    private ByteBuf fragments;
    private boolean fragmentsAreText;
    /** A message was refused and the connection is closing: frames read after it are dropped. */
    private boolean refused;

    /**
     * @param decodesFrames whether this is the connection's frame decoder (else it sits behind Netty's
     *                      and the extension's, and passes raw bytes on to them: see {@link UpgradeLeftovers})
     */
    WebSocketMessageReader(WebSocketDecoderConfig config, boolean decodesFrames) {
        super(config);
        this.maxMessageBytes = config.maxFramePayloadLength();
        this.decodesFrames = decodesFrames;
    }

    /** A complete text message, valid UTF-8. */
    protected abstract void onText(String text);

    /** A complete binary message. */
    protected abstract void onBinary(byte[] bytes);

    /** A ping; the frame is released after this returns (retain its content to keep it). */
    protected abstract void onPing(ChannelHandlerContext ctx, PingWebSocketFrame ping);

    /** The client's close frame; released after this returns. */
    protected abstract void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close);

    /** The connection is being closed for a broken message (its close frame is on its way). */
    protected abstract void onMessageError(String reason);

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decode(ctx, in, out);
        // Frames are handled here rather than passed on: there is no handler after this one.
        int next = 0;
        try {
            while (next < out.size()) {
                read(ctx, (WebSocketFrame) out.get(next++)); // releases the frame, even when it throws
            }
        } finally {
            for (int i = next; i < out.size(); i++) {
                ReferenceCountUtil.release(out.get(i)); // not reached: a frame's handling threw
            }
            out.clear(); // else the decoder would pass the frames read (and released) on
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof WebSocketFrame frame) {
            read(ctx, frame); // from the decoders before this one (an extension is on)
        } else if (!decodesFrames && msg instanceof ByteBuf) {
            ctx.fireChannelRead(msg); // not the frame decoder here: see UpgradeLeftovers
        } else {
            super.channelRead(ctx, msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Not the decoder's own: with auto-read off and no whole frame read, it would ask for another
        // read, and reading must stay off while flow control or the attach holds it.
        discardSomeReadBytes();
        ctx.fireChannelReadComplete();
    }

    private void read(ChannelHandlerContext ctx, WebSocketFrame frame) {
        try {
            if (refused) {
                return;
            }
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame) {
                readData(ctx, frame);
            } else if (frame instanceof PingWebSocketFrame ping) {
                onPing(ctx, ping);
            } else if (frame instanceof CloseWebSocketFrame close) {
                onClose(ctx, close);
            } // pongs: the Engine.IO heartbeat is in messages, not in WebSocket pings
        } finally {
            frame.release();
        }
    }

    /**
     * A data frame. The frame decoder has already checked the order of fragments (a continuation
     * only after a non-final frame, no new message before the last fragment) and each frame's size
     * as sent; an inflated frame (permessage-deflate) is checked here.
     */
    private void readData(ChannelHandlerContext ctx, WebSocketFrame frame) {
        ByteBuf content = frame.content();
        if (fragments == null && frame.isFinalFragment()) {
            if (content.readableBytes() > maxMessageBytes) {
                tooBig(ctx);
            } else {
                deliver(ctx, frame instanceof TextWebSocketFrame, content);
            }
            return;
        }
        if (fragments == null) {
            fragmentsAreText = frame instanceof TextWebSocketFrame;
            fragments = ctx.alloc().heapBuffer(Math.min(maxMessageBytes, Math.max(256, 2 * content.readableBytes())));
        }
        if (fragments.readableBytes() + (long) content.readableBytes() > maxMessageBytes) {
            tooBig(ctx);
            return;
        }
        fragments.writeBytes(content);
        if (frame.isFinalFragment()) {
            ByteBuf whole = fragments;
            fragments = null;
            try {
                deliver(ctx, fragmentsAreText, whole);
            } finally {
                whole.release();
            }
        }
    }

    private void deliver(ChannelHandlerContext ctx, boolean text, ByteBuf content) {
        if (!text) {
            onBinary(ByteBufUtil.getBytes(content));
            return;
        }
        String decoded = utf8(content);
        if (decoded != null) {
            onText(decoded);
        } else {
            fail(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "text message not UTF-8");
        }
    }

    /**
     * @return the text of UTF-8 bytes, or null when they are not UTF-8. The JDK's decoder replaces
     *         every ill-formed sequence (truncated, overlong, surrogate, past U+10FFFF) with U+FFFD, so
     *         only a text holding U+FFFD, rare, is checked again strictly: the usual cost is the decode.
     *         Netty's {@code toString} reads a direct buffer through a per-thread array, not a new one.
     */
    static String utf8(ByteBuf bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(bytes.nioBuffer()); // reports, not replaces
            return text; // a real U+FFFD
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Closes with {@code status} (the close frame first, the connection once it is written or at the
     * write deadline: a client that reads nothing must not hold it) and tells the subclass; nothing
     * more is read.
     */
    private void fail(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        refused = true;
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(false);
            WebSocketClose.finish(ctx.channel(), new CloseWebSocketFrame(status));
        }
        onMessageError(reason);
    }

    private void tooBig(ChannelHandlerContext ctx) {
        dropFragments();
        fail(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over " + maxMessageBytes + " bytes");
    }

    /**
     * An exception from the decoders before this reader (an extension is on). When the inflater gave
     * up on a compressed frame, the connection closes as {@code ws} closes it: 1009 when the frame
     * inflates past the inflater's bound (a little over {@code maxMessageBytes}, see
     * {@link WebSocketHandshakers#compression}), 1007 when it is not deflate data. Once a
     * close frame is on its way, what the decoders make of the bytes read after it is moot.
     *
     * @return whether the exception is dealt with so
     */
    protected final boolean refusedByDecoders(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            return true;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DecompressionException) {
                dropFragments();
                if (t.getCause() instanceof DataFormatException) {
                    fail(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "compressed message not valid: " + t.getCause());
                } else {
                    // The inflater's one other failure, for raw deflate: its bounded buffer is full.
                    fail(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over " + maxMessageBytes + " bytes");
                }
                return true;
            }
        }
        return false;
    }

    private void dropFragments() {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        dropFragments();
        super.handlerRemoved0(ctx);
    }
}
