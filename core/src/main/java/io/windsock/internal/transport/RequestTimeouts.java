package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.windsock.internal.log.Loggers;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The timeouts of one connection while it speaks HTTP, as the Node server's {@code headersTimeout},
 * {@code requestTimeout} and {@code keepAliveTimeout}:
 * <ul>
 * <li>a request's headers must arrive within {@code headersTimeout} of its first byte (a new
 *     connection's first request: of the connection's opening), and the whole request within
 *     {@code requestTimeout}; otherwise 408 and close (slowloris: trickled headers or bodies);</li>
 * <li>a connection with no request in progress and no response owed closes after
 *     {@code keepAliveTimeout} (announced with {@code Keep-Alive: timeout=n});</li>
 * <li>while a request has been received in full and its answer is owed (a long-polling GET waits up
 *     to a ping interval) no timer runs here: the session answers it; a request answered before its
 *     body came (the aggregator's 413 for a keep-alive request over the body limit, whose body it
 *     then drops) is owed nothing when that body ends;</li>
 * <li>at the {@code 101} of a WebSocket upgrade both handlers leave the pipeline: the engine's
 *     heartbeat watches WebSockets.</li>
 * </ul>
 * And as Node's HTTP server, it stops reading a connection whose responses pile up unread (pipelined
 * requests from a client that does not read): after a request, while the channel is over its write
 * buffer's high-water mark, until it drains below the low one. What such a client can make the
 * server hold is then the responses to one read's worth of requests above the high-water mark, and
 * no more than {@code maxPendingOutboundBytes} of them: an answer written while more than that waits
 * unread (large answers) closes the connection.
 * And it answers pipelined requests in order, as Node's HTTP server does: a request read while an
 * earlier one's answer is owed (a long-polling GET the session holds) waits here, with reading
 * stopped, until that answer is written; so a held poll's answer is never overtaken, and the routing
 * handler has one request at a time to answer, and one held poll to fail if the connection drops. The
 * handler is told ({@link #REQUEST_WAITING}) so that a held poll ends at once with a NOOP rather than
 * keep what follows it (a pong, say) waiting for the session's next packet: each time a request
 * comes to wait, the first of a read and each one found waiting when an answer lets the one before it
 * go. A poll that reaches its session after the event asks {@link #requestWaiting()} instead.
 * Two handlers share one instance: {@link #bytes()} sits before the HTTP codec and sees a request
 * start; {@link #messages()} sits after it and sees requests end and responses go out. All state is
 * touched on the channel's event loop only.
 */
public final class RequestTimeouts {
    private static final Logger log = Loggers.TRANSPORT;

    private enum Phase {
        /** Reading a request's line and headers. */
        HEADERS,
        /** Headers read, reading the body. */
        BODY,
        /** Requests read in full, answers owed. */
        ANSWERING,
        /** Nothing in progress: a keep-alive connection between requests. */
        IDLE
    }

    private final long headersNanos;
    private final long requestNanos;
    private final long keepAliveNanos;
    private final AsciiString keepAliveHeader;
    private final Bytes bytes = new Bytes();
    private final Messages messages = new Messages();

    private Phase phase = Phase.HEADERS;
    private long requestStart;
    /** Requests read in full whose final response has not been written yet (the write completed). */
    private int owed;
    /** Requests read in full whose final response has not been handed to the write yet. */
    private int unansweredReads;
    /**
     * Requests answered before their end was read: the aggregator's 413 for a keep-alive request
     * over the body limit (or 417), after which it drops the body. Counted in {@link #owed} from that
     * answer on, so its end adds nothing (0 or 1).
     */
    private int answeredBeforeEnd;
    /** The status of the response being written (its head passed, its last content not yet). */
    private int writingStatus;
    /** Whether the current phase has a deadline ({@link #deadline}); ANSWERING has none. */
    private boolean armed;
    /** When the current phase expires (the event loop's {@link #now}), while {@link #armed}. */
    private long deadline;
    /**
     * The one scheduled check, or null. It is not moved when a deadline moves later, which is what
     * every request of a keep-alive connection does (headers, body, keep-alive): it fires at its old
     * time, finds the later deadline and schedules itself again. So a busy connection schedules about
     * one task per keep-alive timeout instead of three or four per request.
     */
    private ScheduledFuture<?> timer;
    /** When {@link #timer} fires. */
    private long timerAt;
    private ChannelHandlerContext messagesCtx;
    private boolean removed;
    /** Reading stopped here because responses wait unread; resumed when they drain. */
    private boolean pausedForResponses;
    private final ChannelFutureListener responseWritten = future -> responseWritten();
    /** Requests passed on whose final response has not been written yet: while there is one, the next waits. */
    private int inFlight;
    /** HTTP messages read while an answer is owed, passed on in order once it is written; null when none. */
    private ArrayDeque<Object> held;
    /** The target of the POST whose body is being read, or null (see {@link PostCut}). */
    private String reading;
    /** A request waits in {@link #held} behind the one being answered; volatile for {@link #requestWaiting}. */
    private volatile boolean requestWaiting;
    private boolean drainScheduled;
    private final long maxPendingBytes;

    /**
     * @param maxPendingBytes the most a connection's write buffer may hold while it answers: past it
     *                        (a client pipelining requests for large answers it does not read), it closes
     */
    RequestTimeouts(HttpServerSettings settings, long maxPendingBytes) {
        this.maxPendingBytes = maxPendingBytes;
        this.headersNanos = settings.headersTimeout().toNanos();
        this.requestNanos = settings.requestTimeout().toNanos();
        this.keepAliveNanos = settings.keepAliveTimeout().toNanos();
        // Whole seconds, rounded down so that a client never reuses a connection the server is closing.
        long seconds = settings.keepAliveTimeout().toSeconds();
        this.keepAliveHeader = seconds > 0 ? AsciiString.cached("timeout=" + seconds) : null;
    }

    /** The handler to place before the HTTP codec. */
    ChannelHandler bytes() {
        return bytes;
    }

    /** The handler to place right after the HTTP codec. */
    ChannelHandler messages() {
        return messages;
    }

    /** The current phase expires at {@code at}: the timer moves only if it would fire later than that. */
    private void arm(ChannelHandlerContext ctx, long at) {
        armed = true;
        deadline = at;
        if (timer == null || timerAt - at > 0) {
            cancel();
            startTimer(ctx, at);
        }
    }

    /** No deadline while an answer is owed; a timer already scheduled fires and finds nothing to do. */
    private void disarm() {
        armed = false;
    }

    private void startTimer(ChannelHandlerContext ctx, long at) {
        timerAt = at;
        timer = ctx.executor().schedule(this::expire, Math.max(0, at - now(ctx)), TimeUnit.NANOSECONDS);
    }

    /** The event loop's clock, which its scheduled tasks follow (a test's loop may move it by hand). */
    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void startRequest(ChannelHandlerContext ctx) {
        phase = Phase.HEADERS;
        requestStart = now(ctx);
        arm(ctx, requestStart + headersNanos);
    }

    private void expire() {
        timer = null;
        ChannelHandlerContext ctx = messagesCtx;
        if (removed || !armed || ctx == null || !ctx.channel().isActive()) {
            return;
        }
        if (deadline - now(ctx) > 0) {
            startTimer(ctx, deadline); // the deadline moved on since this check was scheduled
            return;
        }
        armed = false;
        switch (phase) {
            case HEADERS, BODY -> {
                if (log.isDebugEnabled()) {
                    log.debug("{}: request {} not received in time; answering 408", ctx.channel().remoteAddress(),
                            phase == Phase.HEADERS ? "headers" : "body");
                }
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                if (owed > 0 || writingStatus != 0 || answeredBeforeEnd > 0
                        || tls != null && !tls.handshakeFuture().isSuccess()) {
                    // An answer is being written (a 408 cannot follow it cleanly), the request was answered
                    // already, or TLS never got as far as HTTP (a 408 would wait for the handshake): just close.
                    ctx.close();
                    return;
                }
                FullHttpResponse timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.EMPTY_BUFFER);
                timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                timeout.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
            }
            case IDLE -> ctx.close();
            case ANSWERING -> { }
        }
    }

    private void remove(ChannelPipeline pipeline) {
        removed = true;
        cancel();
        releaseHeld();
        if (pipeline.context(bytes) != null) {
            pipeline.remove(bytes);
        }
        if (pipeline.context(messages) != null) {
            pipeline.remove(messages);
        }
    }

    /** Before the codec: the first byte of a request starts its clock. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                startRequest(ctx); // a new connection's first request: timed from the opening
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (timer == null && phase == Phase.HEADERS) {
                startRequest(ctx);
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if ((phase == Phase.IDLE || phase == Phase.ANSWERING) && msg instanceof ByteBuf buf && buf.isReadable()) {
                startRequest(ctx);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }
    }

    /** After the codec: requests end, responses go out. */
    private final class Messages extends ChannelDuplexHandler {
        RequestTimeouts owner() {
            return RequestTimeouts.this;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            messagesCtx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!ctx.channel().isActive()) {
                ReferenceCountUtil.release(msg); // closed: the rest of the read's requests go unanswered
                return;
            }
            // ANSWERING: a request pipelined behind one being answered, read with it; it is timed and owed too.
            if (msg instanceof HttpRequest && (phase == Phase.HEADERS || phase == Phase.ANSWERING)) {
                phase = Phase.BODY;
                arm(ctx, requestStart + requestNanos);
            }
            if (msg instanceof HttpRequest request) {
                reading = request.method() == HttpMethod.POST ? request.uri() : null;
            }
            boolean requestRead = msg instanceof LastHttpContent && phase == Phase.BODY;
            if (requestRead) {
                reading = null;
                if (answeredBeforeEnd > 0) {
                    requestEndedAnswered(ctx);
                } else {
                    owed++;
                    unansweredReads++;
                    phase = Phase.ANSWERING;
                    disarm();
                }
            }
            pass(ctx, msg);
            if (requestRead && !removed && !ctx.channel().isWritable() && ctx.channel().config().isAutoRead()) {
                pausedForResponses = true; // the codec still decodes what it holds: at most one read's worth
                ctx.channel().config().setAutoRead(false);
            }
        }

        /** Passes a message on, unless it must wait for an earlier request's answer (see the class comment). */
        private void pass(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpObject && (held != null || msg instanceof HttpRequest && inFlight > 0)) {
                boolean first = held == null;
                if (first) {
                    held = new ArrayDeque<>();
                    // What waits is then what the codec decodes from the last read: no more is read.
                    ctx.channel().config().setAutoRead(false);
                }
                held.add(msg);
                if (first) {
                    requestWaits(ctx);
                }
                return;
            }
            if (msg instanceof HttpRequest) {
                inFlight++;
            }
            ctx.fireChannelRead(msg);
        }

        /** The request owed may be a poll the session holds: it is told, so as not to hold the one waiting. */
        private void requestWaits(ChannelHandlerContext ctx) {
            requestWaiting = true;
            ctx.fireUserEventTriggered(REQUEST_WAITING);
        }

        /** An answer was written: the requests that waited for it go on, up to the next that must wait. */
        private void drain(ChannelHandlerContext ctx) {
            drainScheduled = false;
            while (held != null && !removed) {
                if (!ctx.channel().isActive()) {
                    releaseHeld();
                    return;
                }
                Object next = held.peek();
                if (next instanceof HttpRequest && inFlight > 0) {
                    if (!requestWaiting) {
                        requestWaits(ctx); // behind the request just passed, which may be a poll too
                    }
                    return;
                }
                if (next instanceof HttpRequest) {
                    requestWaiting = false; // it goes on; one found behind it is announced again
                }
                held.poll();
                if (held.isEmpty()) {
                    held = null;
                    if (!pausedForResponses) {
                        ctx.channel().config().setAutoRead(true);
                    }
                }
                if (next instanceof HttpRequest) {
                    inFlight++;
                }
                ctx.fireChannelRead(next);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (pausedForResponses && ctx.channel().isWritable() && !removed) {
                pausedForResponses = false;
                if (held == null) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releaseHeld(); // never answered: the connection is gone
            String cut = reading;
            reading = null;
            if (cut != null && phase == Phase.BODY && answeredBeforeEnd == 0) {
                ctx.fireUserEventTriggered(new PostCut(cut));
            }
            super.channelInactive(ctx);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse response) {
                writingStatus = response.status().code();
                if (writingStatus == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    // A WebSocket from here on: its heartbeat, not HTTP timeouts, keeps it honest.
                    ctx.write(msg, promise);
                    remove(ctx.pipeline());
                    return;
                }
                if (keepAliveHeader != null && HttpUtil.isKeepAlive(response) && response.protocolVersion() == HttpVersion.HTTP_1_1
                        && !response.headers().contains(HttpHeaderNames.KEEP_ALIVE)) {
                    response.headers().set(HttpHeaderNames.KEEP_ALIVE, keepAliveHeader);
                }
            }
            boolean last = msg instanceof LastHttpContent;
            // Before this answer, the client has more than any client may hold unread (maxPendingOutboundBytes)
            // from earlier ones: a pipelining client that does not read (the requests of one read are all
            // answered, and large answers, a served file with an encrypted copy each over TLS, add up).
            boolean overBound = last && !ctx.channel().isWritable() && pendingBytes(ctx) > maxPendingBytes;
            if (last) {
                boolean informational = writingStatus >= 100 && writingStatus < 200;
                writingStatus = 0;
                if (!informational) {
                    if (unansweredReads > 0) {
                        unansweredReads--;
                    } else if (phase == Phase.BODY) {
                        // The request being read is answered before its end: counted now, not at its end.
                        answeredBeforeEnd++;
                        owed++;
                    }
                    promise = promise.unvoid();
                    promise.addListener(responseWritten);
                    inFlight = Math.max(0, inFlight - 1);
                    if (held != null && !drainScheduled) {
                        // On a later turn: this write may come from deep inside a session's send.
                        drainScheduled = true;
                        ctx.executor().execute(() -> drain(ctx));
                    }
                }
            }
            ctx.write(msg, promise);
            if (overBound) {
                if (log.isDebugEnabled()) {
                    log.debug("{}: {} bytes of answers unread; closing", ctx.channel().remoteAddress(), pendingBytes(ctx));
                }
                ctx.channel().close();
            }
        }
    }

    /**
     * Fired down the pipeline when a request is read while an earlier one's answer is owed: the
     * handler answering that earlier one may answer it now (a held poll gets a NOOP).
     */
    static final Object REQUEST_WAITING = new Object() {
        @Override
        public String toString() {
            return "REQUEST_WAITING";
        }
    };

    /**
     * The timeouts of {@code ctx}'s connection, or null on a connection without them: a lookup in the
     * pipeline, so made once per connection, not per request.
     */
    public static RequestTimeouts of(ChannelHandlerContext ctx) {
        Messages messages = ctx.pipeline().get(Messages.class);
        return messages != null ? messages.owner() : null;
    }

    /**
     * Fired down the pipeline when the connection closes in the middle of a POST's body (the request
     * never reaches the handlers after the aggregator): a long-polling session whose packets it
     * carried fails, as the reference fails it.
     *
     * @param uri the POST's request target
     */
    record PostCut(String uri) {
    }

    /**
     * Whether a request read on this connection waits for the answer to the one being answered there
     * (see {@link #REQUEST_WAITING}): a poll handed to its session after the event was fired ends at
     * once. Any thread.
     */
    public boolean requestWaiting() {
        return requestWaiting;
    }

    private void releaseHeld() {
        ArrayDeque<Object> messages = held;
        held = null;
        requestWaiting = false;
        if (messages != null) {
            messages.forEach(ReferenceCountUtil::release);
        }
    }

    private static long pendingBytes(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * The end of a request answered before it came: nothing more is owed for it. The connection idles
     * from here if its answer has been written; otherwise from when it is.
     */
    private void requestEndedAnswered(ChannelHandlerContext ctx) {
        answeredBeforeEnd--;
        if (owed == 0) {
            phase = Phase.IDLE;
            arm(ctx, now(ctx) + keepAliveNanos);
        } else {
            phase = Phase.ANSWERING;
            disarm();
        }
    }

    private void responseWritten() {
        ChannelHandlerContext ctx = messagesCtx;
        owed = Math.max(0, owed - 1);
        if (owed == 0 && phase == Phase.ANSWERING && !removed && ctx.channel().isActive()) {
            phase = Phase.IDLE;
            arm(ctx, now(ctx) + keepAliveNanos);
        }
    }
}
