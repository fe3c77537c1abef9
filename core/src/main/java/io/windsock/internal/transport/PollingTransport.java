package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.windsock.internal.engine.EngineError;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EngineCodec;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EngineDecodeException;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import io.windsock.engine.CorsOptions;
import io.windsock.engine.SessionCookie;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP long-polling: a GET waits until the session has packets; a POST carries client packets.
 * All methods run on the session's scheduler thread.
 */
final class PollingTransport implements EngineTransport {
    /** How long a poll racing the client's own CLOSE can still be answered. */
    private static final long CLOSE_LINGER_MILLIS = 2000;

    private final EngineCodec codec;
    private final CorsOptions cors;
    private final int maxPacketsPerPayload;
    /** Whether poll responses may be binary (Engine.IO v3 without {@code b64=1}); v4 codecs write text anyway. */
    private final boolean binarySupported;
    private EngineSession session;

    /** The GET waiting for packets, or null. */
    private volatile ChannelHandlerContext pollCtx;
    private HttpResponses.RequestInfo pollRequest;
    /** The waiting GET's JSONP index, or null when it is not a JSONP poll. */
    private String pollJsonp;
    /** The session closed while no GET waited: the next GET gets CLOSE. */
    private boolean closeOnNextPoll;
    /** The client sent CLOSE while no GET waited: a GET racing it gets NOOP, once. */
    private boolean noopOnNextPoll;
    /** Retired by an upgrade: requests are refused. */
    private boolean discarded;
    private boolean closed;
    /** Bytes of poll responses written and not yet handed to the network (a client slow to read them). */
    private final AtomicLong unflushedBytes = new AtomicLong();
    /** The connections of those responses, closed by {@link #abort()}. */
    private final Set<Channel> unflushedConnections = ConcurrentHashMap.newKeySet();
    /** Flow control: reading is paused, so the answer to a POST is held until it resumes. */
    private boolean readingSuspended;
    /** The POST whose "ok" is held while reading is paused, or null. */
    private ChannelHandlerContext heldPostCtx;
    private HttpResponses.RequestInfo heldPostRequest;
    /** The rest of the held POST's body, delivered when reading resumes; null when it was all delivered. */
    private EngineCodec.PayloadReader heldBody;
    /** WebSockets accepted for this session that are not yet attached to it (they move to its loop first). */
    private int upgradesArriving;
    /** Requests that came while a WebSocket was arriving, answered after its first read; null when none. */
    private List<Runnable> heldRequests;
    /** The session cookie to set, or null for none. */
    private final SessionCookie cookie;
    /** The {@code Set-Cookie} value for the handshake's response, until it is sent. */
    private String handshakeCookie;

    /** @param cookie the session cookie set on the handshake's response, or null for none */
    PollingTransport(EngineCodec codec, CorsOptions cors, int maxPacketsPerPayload, boolean binarySupported,
                     SessionCookie cookie) {
        this.codec = codec;
        this.cors = cors;
        this.maxPacketsPerPayload = maxPacketsPerPayload;
        this.binarySupported = binarySupported;
        this.cookie = cookie;
    }

    /** The handshake's response, answered with the OPEN packet next, sets the cookie (as engine.io, only it). */
    @Override
    public void opening(String sessionId) {
        if (cookie != null) {
            handshakeCookie = cookie.headerValue(sessionId);
        }
    }

    void bind(EngineSession session) {
        this.session = session;
    }

    EngineSession session() {
        return session;
    }

    @Override
    public TransportKind kind() {
        return TransportKind.POLLING;
    }

    @Override
    public boolean isWritable() {
        return pollCtx != null;
    }

    /** Any thread: a GET is waiting ({@link #pollCtx} is volatile for this read). */
    @Override
    public boolean isWritableNow() {
        return pollCtx != null;
    }

    /**
     * A GET arrived.
     *
     * @param jsonp its JSONP index ({@code j}, digits only), or {@code null}
     */
    void onPoll(ChannelHandlerContext ctx, HttpResponses.RequestInfo request, String jsonp) {
        if (noopOnNextPoll) {
            noopOnNextPoll = false;
            respond(ctx, request, jsonp, List.of(EnginePacket.NOOP));
            session.forget();
            return;
        }
        if (discarded || closed && !closeOnNextPoll) {
            refuse(ctx, request);
            return;
        }
        if (closeOnNextPoll) {
            closeOnNextPoll = false;
            respond(ctx, request, jsonp, List.of(EnginePacket.CLOSE));
            if (session != null) {
                session.onTransportClose(this);
            }
            return;
        }
        if (pollCtx != null) {
            // A second GET while one waits is a client error; the reference closes the session.
            HttpResponses.send(ctx, request, cors, HttpResponseStatus.BAD_REQUEST, null, "");
            session.onTransportError(this, "overlap from client");
            return;
        }
        pollCtx = ctx;
        pollRequest = request;
        pollJsonp = jsonp;
        if (session != null) {
            session.onDrain(this);
        }
    }

    /** The handshake GET: it waits for the OPEN packet like any poll. */
    void onHandshakePoll(ChannelHandlerContext ctx, HttpResponses.RequestInfo request, String jsonp) {
        pollCtx = ctx;
        pollRequest = request;
        pollJsonp = jsonp;
    }

    /**
     * A POST arrived with client packets.
     *
     * @param octetStream whether its content type is {@code application/octet-stream}
     * @param jsonp       its JSONP index, or {@code null}: a JSONP body is a form whose field {@code d} holds the payload
     */
    void onData(ChannelHandlerContext ctx, HttpResponses.RequestInfo request, byte[] body, boolean octetStream,
                String jsonp) {
        if (discarded || closed && !closeOnNextPoll) {
            refuse(ctx, request);
            return;
        }
        // Else closed by the server, its CLOSE waiting for the next poll: the session is closing, and as
        // engine.io does then, a POST is answered "ok" and only a CLOSE in it is heeded.
        if (heldPostCtx != null) {
            // A second POST while one is unanswered: the reference refuses data requests that overlap.
            HttpResponses.send(ctx, request, cors, HttpResponseStatus.BAD_REQUEST, null, "");
            session.onTransportError(this, "data request overlap from client");
            return;
        }
        if (jsonp != null) {
            String payload = Jsonp.payload(body);
            if (payload == null) {
                HttpResponses.sendPolling(ctx, request, cors, HttpResponses.TEXT_HTML_VALUE, "ok"); // engine.io ignores such a body
                return;
            }
            body = payload.getBytes(StandardCharsets.UTF_8);
            octetStream = false;
        }
        EngineCodec.PayloadReader reader;
        try {
            reader = codec.payloadReader(body, octetStream);
        } catch (EngineDecodeException e) {
            if (e.reason() == EngineDecodeException.Reason.INVALID_CONTENT) {
                // A content type the revision does not take (v4: octet-stream): not a payload of ours. A bare
                // 400, as the reference answers it (no Engine.IO error body).
                HttpResponses.send(ctx, request, cors, HttpResponseStatus.BAD_REQUEST, null, "");
                session.onTransportError(this, e.getMessage());
                return;
            }
            parseError(ctx, request, e);
            return;
        }
        deliver(ctx, request, reader);
    }

    /**
     * Delivers a POST's packets a slice of at most {@link #maxPacketsPerPayload} at a time (a body is
     * never refused for its count: engine.io-client splits its POSTs by bytes only, v3 clients not at
     * all). When reading is paused after a slice, the rest of the body waits, with the POST's "ok",
     * until it resumes; so at most one slice is read past a pause, and no more than a slice of packets
     * is decoded from the body at once.
     */
    private void deliver(ChannelHandlerContext ctx, HttpResponses.RequestInfo request,
                         EngineCodec.PayloadReader payload) {
        do {
            List<EnginePacket> packets;
            try {
                packets = payload.next(maxPacketsPerPayload);
            } catch (EngineDecodeException e) {
                parseError(ctx, request, e);
                return;
            }
            for (EnginePacket packet : packets) {
                if (packet.type() == EnginePacketType.CLOSE) {
                    HttpResponses.sendPolling(ctx, request, cors, HttpResponses.TEXT_HTML_VALUE, "ok");
                    // The client leaves: its waiting poll ends with NOOP, as the reference does. A poll
                    // sent just before the CLOSE may still be on its way: it gets the NOOP too.
                    if (pollCtx != null) {
                        send(List.of(EnginePacket.NOOP));
                    } else {
                        noopOnNextPoll = true;
                        session.lingerAfterClose(CLOSE_LINGER_MILLIS);
                    }
                    closed = true;
                    session.onTransportClose(this);
                    return;
                }
                if (!closed) {
                    session.onPacket(this, packet);
                }
            }
            if (closed || discarded) {
                break; // a transport that is done reads no more of the body
            }
            if (readingSuspended && (payload.hasNext() || !session.isUpgradeProbed())) {
                // The client sends its next POST only after this answer: holding it is how polling stops reading.
                // Once the probe has answered, a POST with nothing left is answered (see upgradeProbed).
                heldPostCtx = ctx;
                heldPostRequest = request;
                heldBody = payload.hasNext() ? payload : null;
                return;
            }
        } while (payload.hasNext());
        HttpResponses.sendPolling(ctx, request, cors, HttpResponses.TEXT_HTML_VALUE, "ok");
    }

    /** A malformed payload: the reference acknowledges the body, then closes the session with "parse error". */
    private void parseError(ChannelHandlerContext ctx, HttpResponses.RequestInfo request, EngineDecodeException e) {
        HttpResponses.sendPolling(ctx, request, cors, HttpResponses.TEXT_HTML_VALUE, "ok");
        session.onParseError(this, e.getMessage());
    }

    @Override
    public void setReadingSuspended(boolean suspended) {
        readingSuspended = suspended;
        if (!suspended) {
            releaseHeldPost();
        }
    }

    /**
     * Held on, the POST would stop the upgrade: the client sends UPGRADE only once it is answered,
     * the probe gives up after upgradeTimeout, and the client, paused for the upgrade, then stops.
     * (Node never holds a POST.) Answering it is safe: while it upgrades the client sends no further
     * POST, and reading stays paused, on the WebSocket once the upgrade is done.
     */
    @Override
    public void upgradeProbed() {
        // A body with packets left keeps its POST until reading resumes: delivering them now would put
        // more than one slice past the pause. The upgrade waits for it then (rare: a burst of more than
        // maxPacketsPerPayload packets in one POST while the queue is over its mark).
        if (heldBody == null) {
            releaseHeldPost();
        }
    }

    /**
     * Reading resumed, or the transport is done: the held POST's body goes on from where it stopped, or
     * (when it was all delivered, or the transport is done and drops the rest) the POST gets its "ok".
     */
    private void releaseHeldPost() {
        ChannelHandlerContext ctx = heldPostCtx;
        if (ctx == null) {
            return;
        }
        HttpResponses.RequestInfo request = heldPostRequest;
        EngineCodec.PayloadReader rest = heldBody;
        heldPostCtx = null;
        heldPostRequest = null;
        heldBody = null;
        if (rest != null && !closed && !discarded) {
            deliver(ctx, request, rest);
        } else {
            HttpResponses.sendPolling(ctx, request, cors, HttpResponses.TEXT_HTML_VALUE, "ok");
        }
    }

    @Override
    public void send(List<EnginePacket> packets) {
        ChannelHandlerContext ctx = pollCtx;
        HttpResponses.RequestInfo request = pollRequest;
        String jsonp = pollJsonp;
        pollCtx = null;
        pollRequest = null;
        pollJsonp = null;
        Response response = encode(jsonp, packets);
        long bytes = response.body().readableBytes();
        unflushedBytes.addAndGet(bytes);
        String setCookie = handshakeCookie;
        handshakeCookie = null;
        ChannelFuture written = HttpResponses.sendPolling(ctx, request, cors, response.contentType(), response.body(),
                setCookie);
        if (written.isDone()) {
            unflushedBytes.addAndGet(-bytes);
        } else {
            unflushedConnections.add(ctx.channel());
            written.addListener(done -> {
                unflushedBytes.addAndGet(-bytes);
                unflushedConnections.remove(ctx.channel());
            });
        }
    }

    private record Response(CharSequence contentType, ByteBuf body) {
    }

    /** A poll response: JSONP script, binary payload (v3) or text payload. */
    private Response encode(String jsonp, List<EnginePacket> packets) {
        if (jsonp == null && codec instanceof EngineCodecV4) {
            return new Response(HttpResponses.TEXT_PLAIN_VALUE, v4Body(packets));
        }
        EngineCodec.Payload payload = codec.encodePayload(packets, binarySupported && jsonp == null);
        if (jsonp != null) {
            return new Response(Jsonp.CONTENT_TYPE,
                    Unpooled.copiedBuffer(Jsonp.script(jsonp, payload.text()), StandardCharsets.UTF_8));
        }
        if (payload.isBinary()) {
            return new Response("application/octet-stream", Unpooled.wrappedBuffer(payload.binary()));
        }
        return new Response(HttpResponses.TEXT_PLAIN_VALUE, Unpooled.copiedBuffer(payload.text(), StandardCharsets.UTF_8));
    }

    /**
     * A v4 text payload ({@link EngineCodecV4#encodePayload(List)}) written straight into the response
     * buffer, sized by the codec's count: no string of the whole body, no copy of it.
     */
    private ByteBuf v4Body(List<EnginePacket> packets) {
        long capacity = 0;
        for (int i = 0; i < packets.size(); i++) {
            capacity += codec.payloadBytes(packets.get(i), i == 0);
        }
        ByteBuf out = Unpooled.buffer((int) Math.min(capacity, Integer.MAX_VALUE - 8));
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                out.writeByte(EngineCodecV4.SEPARATOR);
            }
            EnginePacket packet = packets.get(i);
            byte[] binary = packet.binary();
            if (binary != null) {
                out.writeByte('b').writeBytes(Base64.getEncoder().encode(binary));
            } else {
                out.writeByte(packet.type().code());
                if (packet.text() != null) {
                    ByteBufUtil.writeUtf8(out, packet.text());
                }
            }
        }
        return out;
    }

    /** Answers a poll that is not kept (NOOP or CLOSE at once). */
    private void respond(ChannelHandlerContext ctx, HttpResponses.RequestInfo request, String jsonp,
                         List<EnginePacket> packets) {
        Response response = encode(jsonp, packets);
        HttpResponses.sendPolling(ctx, request, cors, response.contentType(), response.body());
    }

    /** Any thread: poll responses not yet written to the network, which count against the session's bound. */
    @Override
    public long pendingBytes() {
        return unflushedBytes.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseHeldPost();
        if (pollCtx != null) {
            send(List.of(EnginePacket.CLOSE));
        } else if (!discarded) {
            closeOnNextPoll = true;
        }
        releaseHeldRequests();
    }

    /** The session gave up on a client too slow: responses it has not read are dropped with their connections. */
    @Override
    public void abort() {
        close();
        for (Channel connection : unflushedConnections) {
            connection.close();
        }
    }

    @Override
    public void discard() {
        discarded = true;
        releaseHeldPost();
        if (pollCtx != null) {
            send(List.of(EnginePacket.NOOP));
        }
        releaseHeldRequests();
    }

    /**
     * A request was pipelined behind this GET on its connection, and waits for its answer (answers go
     * in order): if the GET still waits, it is answered with a NOOP now, so that what comes behind it (a
     * pong, say) is not held until the next packet or the ping. Node handles such a request at once
     * and orders only the answers; either way the client's packets are read without waiting.
     */
    void onRequestPipelinedBehind(ChannelHandlerContext ctx) {
        if (pollCtx == ctx) {
            send(List.of(EnginePacket.NOOP));
        }
    }

    /** The connection of a GET closed; if that GET was still waiting, the session fails. */
    void onPollConnectionClosed(ChannelHandlerContext ctx) {
        if (pollCtx == ctx) {
            pollCtx = null;
            pollRequest = null;
            session.onTransportError(this, "poll connection closed prematurely");
        }
    }

    /** The connection of a POST closed before its body was read: the session fails, unless the transport is done. */
    void onDataConnectionClosed() {
        if (!closed && !discarded) {
            session.onTransportError(this, "data request connection closed prematurely");
        }
    }

    /**
     * A WebSocket for this session was accepted on some loop and is on its way to the session's:
     * requests that come meanwhile wait, since the client may have sent its probe and UPGRADE
     * before them (Node reads both in order and refuses such a poll).
     */
    void upgradeArriving() {
        upgradesArriving++;
    }

    /** @return whether a request must wait for {@link #upgradeSettled}; a transport that is done answers at once. */
    boolean holdsRequests() {
        return upgradesArriving > 0 && !closed && !discarded;
    }

    /** @return the requests kept for {@link #upgradeSettled}. */
    int heldRequestCount() {
        return heldRequests == null ? 0 : heldRequests.size();
    }

    /** Keeps a request until the arriving WebSocket has settled. */
    void hold(Runnable request) {
        if (heldRequests == null) {
            heldRequests = new ArrayList<>();
        }
        heldRequests.add(request);
    }

    /**
     * The arriving WebSocket is attached to the session (or failed): once none is arriving, the
     * held requests run after the loop's next read of its sockets, so after what the client sent
     * on the WebSocket before them.
     */
    void upgradeSettled(NettyScheduler scheduler) {
        if (--upgradesArriving > 0 || heldRequests == null) {
            return;
        }
        List<Runnable> held = heldRequests;
        heldRequests = null;
        for (Runnable request : held) {
            scheduler.executeAfterIo(request);
        }
    }

    /**
     * The transport is done (the session closed, or another WebSocket took over): the requests kept for
     * an arriving WebSocket are answered now (CLOSE or 400), not when it settles, which a WebSocket
     * whose 101 cannot be written makes wait.
     */
    private void releaseHeldRequests() {
        List<Runnable> held = heldRequests;
        heldRequests = null;
        if (held != null) {
            held.forEach(session.scheduler()::execute); // each in a task of its own: not inside the close
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponses.RequestInfo request) {
        HttpResponses.send(ctx, request, cors, HttpResponseStatus.BAD_REQUEST, HttpResponses.JSON,
                EngineError.BAD_REQUEST.json());
    }
}
