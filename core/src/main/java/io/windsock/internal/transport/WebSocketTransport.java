package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EngineCodec;
import io.windsock.internal.engine.codec.EngineDecodeException;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.log.Loggers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The WebSocket transport: one Engine.IO packet per frame, each written and flushed on its own as
 * the Node server does. It is also the channel's frame decoder and message reader
 * ({@link WebSocketMessageReader}).
 *
 * <p>Pacing, as Node's engine.io: {@link #send} writes one batch, and the transport stays not
 * writable until the batch's last frame has been written to the connection and a loop turn has
 * passed; it then calls {@link EngineSession#onDrain}, which sends what the session queued
 * meanwhile as the next batch. Packets queued while a batch is written thus follow it a loop turn
 * later rather than back to back, and a client that does not read holds the rest in the session,
 * where the outbound bound counts it. The cost is one listener per batch, not per packet.
 *
 * <p>Threading: the channel lives on its session's event loop (a WebSocket that upgrades a
 * long-polling session is moved there first, see {@link EventLoopHandover}), so reads, writes and
 * the close all run on the session's thread, in order, with no hop between loops. Frames read
 * before {@link #attach} are held and handed over on attach, and the first one held turns auto-read
 * off until then; for an upgrade auto-read is off from the upgrade request on (the move needs it).
 *
 * <p>Server close: the frames written before {@link #close()} go out first, then a close frame;
 * the TCP connection closes when the client answers the close, or at the deadlines of
 * {@link WebSocketClose}.
 *
 * <p>Shared packets (a broadcast's, see {@link EnginePacket#isShared()}) go as complete frames built
 * once per event loop ({@link SharedFrames}), raw bytes that pass Netty's frame encoder untouched;
 * except on a connection with a WebSocket extension (permessage-deflate), whose encoder compresses
 * each connection's frames with its own context and therefore gets a frame object per recipient.
 */
final class WebSocketTransport extends WebSocketMessageReader
        implements EngineTransport, SharedFrames.FrameBuilder, ChannelFutureListener, Runnable {
    private static final Logger log = Loggers.TRANSPORT;

    private final Channel channel;
    private final EngineCodec codec;
    /** Binary goes as base64 text frames: a v3 client that asked for {@code b64=1}. */
    private final boolean base64;
    /**
     * Which wire form this connection's binary packets take, as {@link SharedFrames} tells them apart
     * (text packets are the same bytes for every client: variant 0).
     */
    private final int binaryVariant;
    /** A WebSocket extension (permessage-deflate) encodes this connection's frames: no shared frames. Set on attach. */
    private boolean extensionEncoded;
    /** Set once on the channel's loop; null until then. */
    private EngineSession session;
    /** Text (String) and binary (byte[]) messages read before {@link #attach}; at most one read's worth, as auto-read is off. */
    private List<Object> held;
    /** A close started (either side) or the connection failed: no more writes. Volatile for {@link #isWritableNow}. */
    private volatile boolean closing;
    /** The server's close frame is written; the client's answer closes the connection. */
    private boolean closeFrameSent;
    /** The connection closes by a deadline at the latest (the close under way has one). */
    private boolean closeBounded;
    /** A pong is being written (event loop). */
    private boolean pongInFlight;
    /**
     * A batch is on its way: set by {@link #send}, cleared when its last frame is written and the
     * session told. Volatile for {@link #isWritableNow}.
     */
    private volatile boolean batchInFlight;
    /** Inside {@link #send}: a write that completes at once is reported on a later loop turn. */
    private boolean sending;

    /**
     * @param decoding      how frames are read: size limit, extensions (one shared configuration per server)
     * @param decodesFrames whether it is the frame decoder too (no extension can be negotiated)
     */
    WebSocketTransport(Channel channel, EngineCodec codec, boolean base64, WebSocketDecoderConfig decoding,
                       boolean decodesFrames) {
        super(decoding, decodesFrames);
        this.channel = channel;
        this.codec = codec;
        this.base64 = base64;
        this.binaryVariant = 2 * codec.protocol() + (base64 ? 1 : 0);
    }

    /**
     * Hands this connection's frames to {@code session} from now on, first those read before. Call
     * on the channel's event loop, which must be the session's.
     *
     * @param beforeHeld runs before the held frames are delivered (e.g. starting the upgrade probe)
     */
    void attach(EngineSession session, Runnable beforeHeld) {
        if (!channel.eventLoop().inEventLoop() || !session.scheduler().inThread()) {
            throw new IllegalStateException("a WebSocket must live on its session's event loop");
        }
        this.session = session;
        // The handshake is written: its extension encoders, if any were negotiated, are in place.
        extensionEncoded = channel.pipeline().get(WebSocketExtensionEncoder.class) != null;
        beforeHeld.run();
        List<Object> early = held;
        held = null;
        if (early != null) {
            for (Object message : early) {
                deliver(message);
            }
        }
        if (!channel.isActive()) {
            session.onTransportClose(this); // it dropped before the session knew it
            return;
        }
        channel.config().setAutoRead(true);
    }

    @Override
    public TransportKind kind() {
        return TransportKind.WEBSOCKET;
    }

    /** Open, and no batch on its way (see the class comment). */
    @Override
    public boolean isWritable() {
        return !closing && !batchInFlight && channel.isActive();
    }

    /**
     * Any thread: open, no batch on its way and under Netty's write-buffer high-water mark. Volatile
     * packets are dropped otherwise, as Node drops them while its transport is not writable.
     */
    @Override
    public boolean isWritableNow() {
        return !closing && !batchInFlight && channel.isWritable();
    }

    @Override
    public void send(List<EnginePacket> packets) {
        if (closing || packets.isEmpty()) {
            return;
        }
        batchInFlight = true;
        sending = true;
        try {
            int last = packets.size() - 1;
            for (int i = 0; i <= last; i++) {
                EnginePacket packet = packets.get(i);
                Object frame = packet.isShared() && !extensionEncoded
                        ? SharedFrames.ofCurrentThread().retainedFrame(channel.eventLoop(), packet,
                                packet.isBinary() ? binaryVariant : 0, this)
                        : !packet.isBinary() ? new TextWebSocketFrame(Unpooled.wrappedBuffer(packet.utf8()))
                        : base64 ? new TextWebSocketFrame(codec.encodeBinaryAsText(packet))
                        : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeBinaryFrame(packet)));
                // One flush per packet, as Node's ws writes each frame with its own socket write: clients
                // that read one frame per TCP read (the official protocol suite's) depend on it.
                if (i < last) {
                    channel.writeAndFlush(frame, channel.voidPromise());
                } else {
                    channel.writeAndFlush(frame).addListener(this); // operationComplete
                }
            }
        } finally {
            sending = false;
        }
    }

    /** The whole frame of a shared packet as this connection's client takes it (see {@link SharedFrames}). */
    @Override
    public ByteBuf buildFrame(EnginePacket packet) {
        if (!packet.isBinary()) {
            return SharedFrames.frame(channel.alloc(), SharedFrames.FIN_TEXT, packet.utf8());
        }
        if (base64) {
            return SharedFrames.frame(channel.alloc(), SharedFrames.FIN_TEXT,
                    codec.encodeBinaryAsText(packet).getBytes(StandardCharsets.US_ASCII));
        }
        return SharedFrames.frame(channel.alloc(), SharedFrames.FIN_BINARY, codec.encodeBinaryFrame(packet));
    }

    /**
     * The batch's last frame is written (or failed): the listener of every batch, this transport
     * itself rather than an object more per connection. On the channel's loop, the session's.
     */
    @Override
    public void operationComplete(ChannelFuture future) {
        if (!future.isSuccess()) {
            if (!closing && channel.isActive()) {
                // As Node's "write error": the connection cannot be trusted with what follows.
                log.debug("websocket write error: {}", future.cause().toString());
                closing = true;
                if (session != null) {
                    session.onTransportError(this, "write error: " + future.cause());
                }
                channel.close();
            }
            return; // a closed connection is reported by channelInactive
        }
        if (sending) {
            // Written at once, inside send (the session's flush): report it on the next turn, as
            // Node reports a write from its callback, so what the caller queues next waits for it.
            channel.eventLoop().execute(this); // run: drained
        } else {
            drained();
        }
    }

    /** Reports a batch written on a later loop turn (see {@link #operationComplete}). */
    @Override
    public void run() {
        drained();
    }

    private void drained() {
        batchInFlight = false;
        if (!closing && session != null) {
            session.onDrain(this);
        }
    }

    /** Any thread: the frames Netty holds for a client that has not read them yet (its outbound buffer). */
    @Override
    public long pendingBytes() {
        var buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public void close() {
        if (closing) {
            if (!closeBounded && channel.isActive()) {
                // Whatever started the close, its last write may never complete (a client that
                // reads nothing): the connection must not outlive the session for it.
                closeBounded = true;
                WebSocketClose.closeByWriteDeadline(channel);
            }
            return;
        }
        closing = true;
        if (!channel.isActive()) {
            return;
        }
        closeFrameSent = true;
        closeBounded = true;
        // Queued behind every frame written before it, on the same thread: nothing can overtake it.
        WebSocketClose.start(channel, new CloseWebSocketFrame());
    }

    /** The client is too slow: close the connection now, not behind the frames it does not read. */
    @Override
    public void abort() {
        closing = true;
        channel.close();
    }

    /** Flow control: stops reading the connection (frames already read are still delivered). */
    @Override
    public void setReadingSuspended(boolean suspended) {
        if (channel.eventLoop().inEventLoop()) {
            channel.config().setAutoRead(!suspended);
        } else {
            channel.eventLoop().execute(() -> channel.config().setAutoRead(!suspended));
        }
    }

    @Override
    public void discard() {
        // A WebSocket is never replaced by another transport.
    }

    @Override
    protected void onText(String text) {
        received(text);
    }

    @Override
    protected void onBinary(byte[] bytes) {
        received(bytes);
    }

    /**
     * One pong on its way at most: a client that pings without reading would otherwise fill the
     * outbound buffer with pongs (RFC 6455 lets a pong answer only some of the pings).
     */
    @Override
    protected void onPing(ChannelHandlerContext ctx, PingWebSocketFrame ping) {
        if (!closeFrameSent && !pongInFlight) {
            pongInFlight = true;
            channel.writeAndFlush(new PongWebSocketFrame(ping.content().retain()))
                    .addListener(written -> pongInFlight = false);
        }
    }

    @Override
    protected void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        closing = true;
        if (closeFrameSent) {
            ctx.close(); // the client answered our close: the handshake is complete
        } else {
            // The client's close echoed, then closed: what the handshaker's close does (not kept
            // per connection for this alone), bounded as ws bounds it: a client that reads nothing
            // never lets the echo out.
            closeBounded = true;
            WebSocketClose.finish(channel, close.retain());
        }
    }

    @Override
    protected void onMessageError(String reason) {
        closing = true;
        closeBounded = true; // its close frame has the write deadline
        held = null;
        if (session != null) {
            session.onTransportError(this, reason);
        }
    }

    private void received(Object message) {
        if (session == null) {
            if (held == null) {
                held = new ArrayList<>();
                // What is held is at most this read's worth: no more reads until attach turns reading on.
                channel.config().setAutoRead(false);
            }
            held.add(message);
        } else {
            deliver(message);
        }
    }

    private void deliver(Object message) {
        try {
            EnginePacket packet = message instanceof String text
                    ? codec.decodeText(text) : codec.decodeBinaryFrame((byte[]) message);
            session.onPacket(this, packet);
        } catch (EngineDecodeException e) {
            session.onParseError(this, e.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx); // frames still buffered are read first
        closing = true;
        held = null;
        if (session != null) {
            session.onTransportClose(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("websocket error: {}", cause.toString());
        if (refusedByDecoders(ctx, cause)) {
            return; // closing with its close frame, the session told
        }
        closing = true;
        // A frame the decoder refused has its close frame written already (1002, 1009, ...).
        ctx.close();
        if (session != null) {
            session.onTransportError(this, cause.toString());
        }
    }
}
