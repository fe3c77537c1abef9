package io.windsock.internal.sio1;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.transport.WebSocketClose;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;

/**
 * The websocket and flashsocket transports: one packet per text frame, both ways (RFC 6455, and
 * hixie-76 where Netty's handshaker factory picks it). Frames are read on the connection's loop and
 * handed to the session's; the session writes from its loop (Netty queues writes from other threads
 * in order).
 */
final class Sio1WebSocket extends SimpleChannelInboundHandler<WebSocketFrame> implements Sio1Session.Transport {
    /**
     * Frames read and handed to the session's thread but not yet taken there, above which reading
     * stops (the session's loop may be another, busier one); it resumes at {@link #BACKLOG_RESUME}.
     */
    static final int BACKLOG_PAUSE = 64;
    static final int BACKLOG_RESUME = 16;
    /**
     * Bytes of frame text handed to the session's thread and not yet taken there, above which reading
     * stops too (a frame may be as large as {@code maxHttpBufferSize}); it resumes when both the
     * frames and the bytes are at most their resume marks.
     */
    static final int BACKLOG_PAUSE_BYTES = 1 << 20;
    static final int BACKLOG_RESUME_BYTES = 256 << 10;

    private final String name;
    private final Channel channel;
    private final Sio1Session session;
    /** maxHttpBufferSize: the largest message taken, inflated (see {@link #channelRead0}). */
    private final int maxMessageBytes;
    private volatile boolean closing;
    /** A message was refused (close 1009 on its way): nothing read after it is delivered. Event loop. */
    private boolean refused;
    /** A pong is being written (event loop). */
    private boolean pongInFlight;
    /** Frames handed to the session's thread, not yet taken there. */
    private final AtomicInteger backlog = new AtomicInteger();
    /** The bytes of their text. */
    private final AtomicLong backlogBytes = new AtomicLong();
    /** Reading stopped for the backlog. Written on the channel's loop; read on the session's too. */
    private volatile boolean pausedForBacklog;
    /** Reading stopped by the session's flow control. */
    private volatile boolean suspendedBySession;
    /** Session thread: a {@code websocket_check} probe waits for its answer. */
    private boolean probing;
    private EngineScheduler.Cancellable probeTimer = EngineScheduler.Cancellable.NONE;

    /** @param maxMessageBytes the largest text message taken, as it reaches this handler (inflated) */
    Sio1WebSocket(String name, Channel channel, Sio1Session session, int maxMessageBytes) {
        this.name = name;
        this.channel = channel;
        this.session = session;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isWritable() {
        return !closing && channel.isActive() && channel.isWritable();
    }

    @Override
    public boolean isOneShot() {
        return false;
    }

    @Override
    public void send(List<String> packets, Runnable written) {
        ChannelFuture last = null;
        for (String packet : packets) {
            last = channel.write(new TextWebSocketFrame(packet));
        }
        // Counted against the session's bound until the last frame is written; past the high-water
        // mark the session holds the rest until the client has read this: see channelWritabilityChanged.
        channel.flush();
        if (last == null) {
            written.run();
        } else {
            last.addListener(f -> written.run());
        }
    }

    /**
     * {@code websocket_check}: sends a heartbeat and hands the transport to the session only when a
     * frame comes back within {@code timeout}; otherwise closes it, so the client tries its next
     * transport. Session thread.
     */
    void probe(Duration timeout) {
        probing = true;
        channel.writeAndFlush(new TextWebSocketFrame(Sio1Packet.HEARTBEAT_PACKET.encode()));
        probeTimer = session.scheduler().schedule(() -> {
            if (probing) {
                probing = false;
                close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The first frame of a probed WebSocket: the check passed. Session thread. */
    private void probeAnswered() {
        probing = false;
        probeTimer.cancel();
        if (!session.attach(this)) {
            close(); // another transport came meanwhile, or the session is over
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        WebSocketClose.start(channel, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
    }

    @Override
    public void setReadingSuspended(boolean suspended) {
        suspendedBySession = suspended;
        if (channel.eventLoop().inEventLoop()) {
            updateAutoRead();
        } else {
            channel.eventLoop().execute(this::updateAutoRead);
        }
    }

    /** Reads while neither the session nor the backlog stops it. Channel's loop. */
    private void updateAutoRead() {
        channel.config().setAutoRead(!suspendedBySession && !pausedForBacklog);
    }

    /** Whether the backlog is down to both resume marks. Any thread. */
    private boolean backlogUnderResumeMarks() {
        return backlog.get() <= BACKLOG_RESUME && backlogBytes.get() <= BACKLOG_RESUME_BYTES;
    }

    /** The session's thread took frames down to the resume marks. Channel's loop. */
    private void backlogTaken() {
        if (pausedForBacklog && backlogUnderResumeMarks()) {
            pausedForBacklog = false;
            updateAutoRead();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (refused) {
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            int bytes = text.content().readableBytes();
            if (bytes > maxMessageBytes) {
                // One compressed frame: the inflater's bound is a little over the limit (it needs room to
                // work) and the aggregator checks only messages in fragments. Refused as the frame
                // decoder refuses a frame over the limit as sent.
                refuse(ctx);
                return;
            }
            String packet = text.text();
            int frames = backlog.incrementAndGet();
            long held = backlogBytes.addAndGet(bytes);
            if ((frames >= BACKLOG_PAUSE || held >= BACKLOG_PAUSE_BYTES) && !pausedForBacklog) {
                pausedForBacklog = true; // what this read still holds arrives: at most one read's worth more
                updateAutoRead();
            }
            session.scheduler().execute(() -> {
                backlogBytes.addAndGet(-bytes);
                backlog.decrementAndGet();
                // The frame that pauses reading sets the flag before its task is handed over, so the task
                // that takes the last frame sees it; every take under the marks while paused asks (a few).
                if (pausedForBacklog && backlogUnderResumeMarks()) {
                    channel.eventLoop().execute(this::backlogTaken);
                }
                if (probing) {
                    probeAnswered();
                }
                if (session.isAttached(this)) {
                    session.onPacketText(packet);
                }
            });
        } else if (frame instanceof PingWebSocketFrame) {
            if (!pongInFlight) { // one pong on its way at most, as on the Engine.IO WebSocket
                pongInFlight = true;
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()))
                        .addListener(written -> pongInFlight = false);
            }
        } else if (frame instanceof CloseWebSocketFrame) {
            if (closing) {
                ctx.close();
            } else {
                closing = true;
                // Closed once written, or at the write deadline: a client that reads nothing must not hold it.
                WebSocketClose.finish(ctx.channel(), (CloseWebSocketFrame) frame.retain());
            }
        } else if (frame instanceof PongWebSocketFrame) {
            // Unsolicited pongs are allowed (RFC 6455 5.5.3) and need no answer; ws ignores them too.
        } else {
            // Binary frames have no meaning in protocol 1.
            closing = true;
            WebSocketClose.finish(ctx.channel(), new CloseWebSocketFrame(1003, "binary frames are not supported"));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            session.scheduler().execute(session::flushNow);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        session.scheduler().execute(() -> {
            probing = false;
            probeTimer.cancel();
            session.detach(this);
        });
    }

    /** A message over the limit: close 1009, and nothing more is read. Event loop. */
    private void refuse(ChannelHandlerContext ctx) {
        refused = true;
        closing = true;
        ctx.channel().config().setAutoRead(false);
        WebSocketClose.finish(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!refused && ctx.channel().isActive() && isOverLimit(cause)) {
            refuse(ctx); // what the aggregator or the inflater found over the limit is answered alike
            return;
        }
        closing = true;
        ctx.close();
    }

    /**
     * Whether the decoders before this handler refused a message for its size: the aggregator (a
     * message in fragments), or the inflater when a compressed frame fills its bounded buffer (its
     * other failure, data that is not deflate, has a DataFormatException as its cause).
     */
    private static boolean isOverLimit(Throwable cause) {
        return cause instanceof TooLongFrameException
                || cause instanceof DecompressionException && !(cause.getCause() instanceof DataFormatException);
    }
}
