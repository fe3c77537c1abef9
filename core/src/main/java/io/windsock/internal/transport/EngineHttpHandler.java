package io.windsock.internal.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.ssl.SslHandler;
import io.windsock.internal.engine.EngineError;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.codec.EngineCodec;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Routes HTTP requests on one connection: Engine.IO requests under the configured path (handshake,
 * polling GET/POST, WebSocket upgrade), everything else to the fallback. Checks each request the way
 * the Node reference server does and answers failures with its status and JSON body.
 */
final class EngineHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String JSONP_REFUSED = "JSONP (j=) when it is off, or with an index other than digits";
    /** Refused cross-origin WebSockets, at most 10 lines a minute: a hostile page can send many. */
    private static final RateLimitedLog refusals = new RateLimitedLog(Loggers.TRANSPORT);
    private final TransportConfig config;
    private final EngineServer engine;
    private final OriginCheck originCheck;
    /** Shared by the server's connections: every WebSocket's frame decoder keeps it. */
    private final WebSocketDecoderConfig webSocketDecoding;
    /** The polling transport whose GET waits on this connection, so a dropped connection can fail it. */
    private volatile PollingTransport waitingPoll;
    /**
     * This connection's request timeouts (null without them), found when this handler is added, after
     * them: a GET poll asks them without a lookup in the pipeline. Read by the session's thread too,
     * in tasks handed to it after this was set.
     */
    private RequestTimeouts timeouts;
    /** The application's response headers listeners, or null when it has none. */
    private final ResponseHeaderHooks headerHooks;

    EngineHttpHandler(TransportConfig config, EngineServer engine) {
        this(config, engine, WebSocketHandshakers.decoding(config), ResponseHeaderHooks.of(config.engine()));
    }

    /**
     * @param webSocketDecoding from {@link WebSocketHandshakers#decoding(TransportConfig)}, made once per server
     * @param headerHooks       from {@link ResponseHeaderHooks#of}, made once per server
     */
    EngineHttpHandler(TransportConfig config, EngineServer engine, WebSocketDecoderConfig webSocketDecoding,
                      ResponseHeaderHooks headerHooks) {
        this.config = config;
        this.engine = engine;
        this.originCheck = new OriginCheck(config.cors(), config.server().checkWebSocketOrigin());
        this.webSocketDecoding = webSocketDecoding;
        this.headerHooks = headerHooks;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeouts = RequestTimeouts.of(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            HttpResponses.send(ctx, new HttpResponses.RequestInfo(false, null), null, status, null, "");
            return;
        }
        EngineQuery query = new EngineQuery(request.uri());
        // Routed on the path as sent, as Node compares the URL's prefix: an escaped form of the path
        // (/%73ocket.io/) is not Engine.IO's, so a proxy rule on the literal prefix cannot be bypassed.
        String path = query.rawPath();
        boolean underPath = path.startsWith(config.path());
        try {
            query.path(); // a malformed escape in the path throws here
            if (underPath) {
                query.transport(); // reads Engine.IO's parameters: a malformed escape anywhere throws here
            }
        } catch (IllegalArgumentException malformed) {
            // A '%' not followed by two hex digits: refused, as Netty's decoder refuses it, with an answer.
            HttpResponses.RequestInfo info = HttpResponses.RequestInfo.of(request);
            if (underPath) {
                fail(ctx, request, info, EngineError.BAD_REQUEST, false, "a malformed escape in the request target");
            } else {
                HttpResponses.send(ctx, info, null, HttpResponseStatus.BAD_REQUEST, HttpResponses.TEXT_PLAIN, "Bad Request");
            }
            return;
        }
        if (config.clientBundle() != null && config.clientBundle().serve(ctx, request, path)) {
            return; // /socket.io/socket.io.js and its kin, under the Engine.IO path
        }
        if (config.legacy() != null && underPath && config.legacy().handle(ctx, request, path)) {
            return; // Socket.IO 0.9 (/socket.io/1/...)
        }
        if (!underPath) {
            if (!config.fallback().handle(ctx, request)) {
                HttpResponses.send(ctx, HttpResponses.RequestInfo.of(request), null, HttpResponseStatus.NOT_FOUND,
                        HttpResponses.TEXT_PLAIN, "Not Found");
            }
            return;
        }
        HttpResponses.RequestInfo info = HttpResponses.RequestInfo.of(request);
        if (request.method() == HttpMethod.OPTIONS && config.cors() != null) {
            HttpResponses.preflight(ctx, request, config.cors());
            return;
        }
        String transport = query.transport();
        boolean upgrade = isWebSocketUpgrade(request);
        if (transport == null || !config.engine().transports().contains(transport)) {
            fail(ctx, request, info, EngineError.UNKNOWN_TRANSPORT, upgrade,
                    transport == null ? "no transport" : "a transport the server does not offer");
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && hasInvalidHeaderChar(origin)) {
            fail(ctx, request, info, EngineError.BAD_REQUEST, upgrade, "an Origin header with invalid characters");
            return;
        }
        if (upgrade && !originCheck.allowsWebSocket(request.headers(), ctx.pipeline().get(SslHandler.class) != null)) {
            ConnectionErrorReports.report(config.connectionErrors(), ctx, request, EngineError.FORBIDDEN,
                    "a WebSocket from a page of a foreign origin");
            refuseOrigin(ctx, request);
            return;
        }
        String sid = query.sid();
        if (sid != null) {
            EngineSession session = engine.session(sid);
            if (session == null || upgrade && session.state() == EngineSession.State.CLOSED) {
                // A closed session stays findable a moment only to answer a poll that raced its CLOSE: to
                // an upgrade it is unknown, as in Node, rather than given a WebSocket that is then closed.
                fail(ctx, request, info, EngineError.UNKNOWN_SID, upgrade,
                        session == null ? "no such session" : "an upgrade of a closed session");
            } else if (session.codec().protocol() != requestedRevision(query.eio())) {
                // The reference refuses a request whose EIO is not its session's (PROTOCOL_MISMATCH).
                fail(ctx, request, info, EngineError.BAD_REQUEST, upgrade, "EIO is not the session's revision");
            } else if (upgrade && "websocket".equals(transport)) {
                upgradeSession(ctx, request, session, query, webSocketHeaders(ctx, request, null));
            } else if ("polling".equals(transport) && !upgrade) {
                String jsonp = jsonpIndex(session.codec(), query);
                if (jsonp != null && !jsonpAllowed(jsonp)) {
                    fail(ctx, request, info, EngineError.BAD_REQUEST, false, JSONP_REFUSED);
                } else {
                    poll(ctx, request, withLaterHeaders(ctx, request, info), session, jsonp);
                }
            } else {
                fail(ctx, request, info, EngineError.BAD_REQUEST, upgrade,
                        "a transport that does not fit the request (" + transport + (upgrade ? ", an upgrade)" : ")"));
            }
            return;
        }
        if (request.method() != HttpMethod.GET) {
            fail(ctx, request, info, EngineError.BAD_HANDSHAKE_METHOD, upgrade, "a handshake by " + request.method());
            return;
        }
        if ("websocket".equals(transport) && !upgrade) {
            fail(ctx, request, info, EngineError.BAD_REQUEST, false, "transport=websocket without an upgrade");
            return;
        }
        if (upgrade && !"websocket".equals(transport)) {
            // Only the websocket transport takes upgrades (the reference closes such a WebSocket at once).
            fail(ctx, request, info, EngineError.BAD_REQUEST, true, "an upgrade for transport=" + transport);
            return;
        }
        EngineCodec codec = EngineCodec.forProtocol(protocolOf(query.eio()));
        if (codec == null || codec.protocol() == 3 && !config.engine().allowEIO3()) {
            fail(ctx, request, info, EngineError.UNSUPPORTED_PROTOCOL_VERSION, upgrade,
                    codec == null ? "EIO neither 4 nor 3" : "EIO=3 with allowEIO3 off");
            return;
        }
        String jsonp = upgrade ? null : jsonpIndex(codec, query);
        if (jsonp != null && !jsonpAllowed(jsonp)) {
            fail(ctx, request, info, EngineError.BAD_REQUEST, false, JSONP_REFUSED);
            return;
        }
        // The handshake keeps the whole query (the application reads it), decoded from the URI when read.
        EngineRequest engineRequest = toEngineRequest(ctx, request, new UriQuery(request.uri()));
        if (!config.allowRequest().allow(engineRequest)) {
            fail(ctx, request, info, EngineError.FORBIDDEN, upgrade, "allowRequest refused it");
            return;
        }
        if (!engine.reservePlace()) {
            // maxSessions: refused as Node refuses through allowRequest (403, code 4); the clients retry
            // with their reconnection backoff.
            refusals.warn("max-sessions", "{}: handshake refused: maxSessions reached", ctx.channel().remoteAddress());
            fail(ctx, request, info, EngineError.TOO_MANY_SESSIONS, upgrade, "maxSessions reached");
            return;
        }
        NettyScheduler scheduler = NettyScheduler.of(ctx.channel().eventLoop());
        if (upgrade) {
            // The 101 is on the wire before the OPEN packet is written (Node flushes it alone too).
            acceptWebSocket(ctx, request, codec, base64(query), false,
                    webSocketHeaders(ctx, request, engineRequest),
                    ws -> ws.attach(engine.open(engineRequest, codec, ws, scheduler), () -> { }), engine::releasePlace);
        } else {
            PollingTransport polling = new PollingTransport(codec, config.cors(), config.engine().maxPacketsPerPayload(),
                    !base64(query), config.engine().cookie());
            polling.onHandshakePoll(ctx, headerHooks == null ? info
                    : info.withMoreHeaders(headers -> headerHooks.apply(headers, engineRequest, true)), jsonp);
            waitingPoll = polling;
            polling.bind(engine.open(engineRequest, codec, polling, scheduler));
        }
    }

    private void poll(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponses.RequestInfo info,
                      EngineSession session, String jsonp) {
        boolean get = request.method() == HttpMethod.GET;
        if (!get && request.method() != HttpMethod.POST) {
            fail(ctx, request, info, EngineError.BAD_REQUEST, false, "a poll by " + request.method());
            return;
        }
        byte[] body = get ? null : ByteBufUtil.getBytes(request.content());
        boolean octetStream = !get && "application/octet-stream".equalsIgnoreCase(
                request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (get && session.transport() instanceof PollingTransport polling) {
            // Set now, not in the task: when the connection closes before the task has run on the
            // session's thread, channelInactive must still reach the session (queued behind the poll).
            waitingPoll = polling;
        }
        Runnable answer = () -> {
            if (!(session.transport() instanceof PollingTransport polling)) {
                fail(ctx, request, info, EngineError.BAD_REQUEST, false, "a poll of a session on another transport");
            } else if (get) {
                waitingPoll = polling;
                polling.onPoll(ctx, info, jsonp);
                if (timeouts != null && timeouts.requestWaiting()) {
                    // A request came to wait behind this poll before the poll got here (it was deferred
                    // behind an upgrade, or its session is on another loop): the event found no poll.
                    polling.onRequestPipelinedBehind(ctx);
                }
            } else {
                polling.onData(ctx, info, body, octetStream, jsonp);
            }
        };
        // The session answers it, maybe after the idle period (a POST held while reading is paused).
        IdleCloser.sessionAnswers(ctx);
        // Answered after requests the client sent before it on its WebSocket: the session's loop reads them first.
        Runnable inOrder = () -> {
            answer.run();
            if (get && !ctx.channel().isActive() && session.transport() instanceof PollingTransport polling) {
                polling.onPollConnectionClosed(ctx); // its close may have been handled before the poll
            }
        };
        runOn(session, () -> {
            if (session.transport() instanceof PollingTransport polling && polling.holdsRequests()) {
                polling.hold(inOrder); // a WebSocket is on its way to this loop
            } else if (session.isUpgrading()) {
                ((NettyScheduler) session.scheduler()).executeAfterIo(inOrder);
            } else {
                answer.run();
            }
        });
    }

    /** @param extraHeaders makes the application's headers for the 101, or null */
    private void upgradeSession(ChannelHandlerContext ctx, FullHttpRequest request, EngineSession session,
                                EngineQuery query, Supplier<HttpHeaders> extraHeaders) {
        // Engine sessions opened here always run on a NettyScheduler.
        NettyScheduler scheduler = (NettyScheduler) session.scheduler();
        // Until this WebSocket is attached and read on the session's loop, polls wait: the client
        // may have sent its probe and UPGRADE before them. Settled exactly once, on that loop.
        PollingTransport polling = session.transport() instanceof PollingTransport p ? p : null;
        if (polling != null) {
            runOn(session, polling::upgradeArriving);
        }
        Runnable settled = () -> {
            if (polling != null) {
                polling.upgradeSettled(scheduler);
            }
        };
        acceptWebSocket(ctx, request, session.codec(), base64(query), true, extraHeaders, ws ->
                // One owner thread: the WebSocket joins the session's loop before the session sees it.
                EventLoopHandover.move(ctx.channel(), scheduler.loop()).addListener(moved -> {
                    try {
                        if (moved.isSuccess()) {
                            ws.attach(session, () -> {
                                if (session.canUpgrade()) {
                                    session.startUpgrade(ws);
                                } else {
                                    ws.close();
                                }
                            });
                        }
                    } finally {
                        settled.run();
                    }
                }), () -> runOn(session, settled));
    }

    /**
     * Answers the WebSocket handshake and installs the frame handler. {@code accepted} runs on this
     * channel's loop once the 101 response is written; {@code failed} instead, on the same loop, when
     * no WebSocket comes of it, at the latest when the 101 could not be written within
     * {@link WebSocketClose#WRITE_TIMEOUT_MILLIS} (the connection closes then). Frames read before the transport is attached to its session are held
     * by it, and the first one held stops reading.
     *
     * @param moving whether the connection moves to another loop before it is attached (an upgrade):
     *               reading stops now, as the move requires; a new session's WebSocket is attached on
     *               this loop, usually in this same turn, and keeps reading (two changes of the
     *               socket's epoll interest fewer per connection)
     */
    private void acceptWebSocket(ChannelHandlerContext ctx, FullHttpRequest request, EngineCodec codec,
                                 boolean base64, boolean moving, Supplier<HttpHeaders> extraHeaders,
                                 Consumer<WebSocketTransport> accepted, Runnable failed) {
        WebSocketHandshakers.Refusal refusal = WebSocketHandshakers.refusal(request);
        if (refusal != null) {
            failed.run(); // first: the client may try again as soon as the refusal closes the connection
            WebSocketHandshakers.refuse(ctx, refusal);
            return;
        }
        String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss" : "ws";
        String location = scheme + "://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + config.path();
        // With compression possible, the extension's decoder must sit between the frame decoder and the
        // transport: Netty's decoder then, the transport last. Otherwise the transport decodes itself.
        boolean extensions = config.perMessageDeflate();
        WebSocketTransport ws = new WebSocketTransport(ctx.channel(), codec, base64, webSocketDecoding, !extensions);
        ChannelPipeline pipeline = ctx.pipeline();
        // Not null: the version passed the check above.
        WebSocketServerHandshaker handshaker = WebSocketHandshakers.of(request, location, webSocketDecoding,
                extensions ? null : ws);
        if (extensions) {
            pipeline.addLast(ws);
        }
        UpgradeLeftovers leftovers = new UpgradeLeftovers();
        pipeline.addLast(leftovers);
        pipeline.remove(this);
        // The engine's heartbeat watches WebSockets (as RequestTimeouts' handlers, this one leaves).
        if (pipeline.get(IdleCloser.class) != null) {
            pipeline.remove(IdleCloser.class);
        }
        if (moving) {
            // No read until the transport has moved to the session's loop and is attached there: a
            // read requested before this is held by the transport.
            ctx.channel().config().setAutoRead(false);
        }
        // Netty completes the handshake when the 101 is written, which a client that reads nothing (its
        // earlier answers unread) never lets happen; no timer of the HTTP phase is left to end it then, and
        // the session's place or the polls held for this upgrade would be held with it. So it has as long
        // as a close frame has to go out (ws destroys the socket then). Cancelled by the listener below,
        // which a close reaches too (the write fails): no listener stays on the connection's close.
        ScheduledFuture<?> unwritten = ctx.channel().eventLoop().schedule(() -> {
            ctx.channel().close();
        }, WebSocketClose.WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        ChannelFuture handshake;
        try {
            // Netty sets its own headers after these: the framing stays its own.
            handshake = extraHeaders == null ? handshaker.handshake(ctx.channel(), request)
                    : handshaker.handshake(ctx.channel(), request, extraHeaders.get(), ctx.channel().newPromise());
        } catch (WebSocketHandshakeException e) {
            // Netty's own checks (the method, the tokens and the key passed ours) failed before it
            // touched the pipeline: the HTTP codec is still there to answer, as Node's ws does.
            unwritten.cancel(false);
            pipeline.remove(leftovers);
            failed.run(); // before the answer, as above
            WebSocketHandshakers.refuseUnanswerable(ctx.channel());
            return;
        }
        handshake.addListener(written -> {
            unwritten.cancel(false);
            if (pipeline.context(leftovers) != null) {
                pipeline.remove(leftovers); // the HTTP codec is gone, and what it held with it
            }
            if (written.isSuccess()) {
                accepted.accept(ws);
            } else {
                ctx.channel().close();
                failed.run();
            }
        });
    }

    /**
     * @return {@code info}, with the application's headers for a request of a session already open
     *         when it adds any. The request is read now: it is released before a waiting poll is answered.
     */
    private HttpResponses.RequestInfo withLaterHeaders(ChannelHandlerContext ctx, FullHttpRequest request,
                                                       HttpResponses.RequestInfo info) {
        if (headerHooks == null || !headerHooks.forLaterRequests()) {
            return info;
        }
        EngineRequest answered = toEngineRequest(ctx, request, new UriQuery(request.uri()));
        return info.withMoreHeaders(headers -> headerHooks.apply(headers, answered, false));
    }

    /**
     * @param opening the request's EngineRequest when it opens a session, null for an upgrade
     * @return what makes the application's headers for a WebSocket's 101 (called once it is accepted,
     *         before the request is released), or null when it adds none
     */
    private Supplier<HttpHeaders> webSocketHeaders(ChannelHandlerContext ctx, FullHttpRequest request,
                                                   EngineRequest opening) {
        if (headerHooks == null || opening == null && !headerHooks.forLaterRequests()) {
            return null;
        }
        return () -> headerHooks.forWebSocket(opening != null ? opening
                : toEngineRequest(ctx, request, new UriQuery(request.uri())), opening != null);
    }

    /** Runs a task on the session's thread: at once when already there, keeping request order. */
    private static void runOn(EngineSession session, Runnable task) {
        if (session.scheduler().inThread()) {
            task.run();
        } else {
            session.scheduler().execute(task);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == RequestTimeouts.REQUEST_WAITING) {
            PollingTransport poll = waitingPoll;
            if (poll != null && poll.session() != null) {
                poll.session().scheduler().execute(() -> poll.onRequestPipelinedBehind(ctx));
            }
            if (config.legacy() != null) {
                config.legacy().requestWaiting(ctx); // the request answered may be a 0.9 poll
            }
            return;
        }
        if (event instanceof RequestTimeouts.PostCut cut) {
            postCut(cut.uri());
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /**
     * The connection closed before a POST's body was all read: when it was a polling session's, that
     * session fails ("transport error"), as the reference fails it when a data request's connection
     * closes prematurely; the packets it carried are lost, and the client learns of its failed POST.
     */
    private void postCut(String uri) {
        EngineQuery query = new EngineQuery(uri);
        EngineSession session;
        try {
            if (!query.rawPath().startsWith(config.path()) || !"polling".equals(query.transport())) {
                return;
            }
            session = engine.session(query.sid());
        } catch (IllegalArgumentException malformed) {
            return;
        }
        if (session != null && session.codec().protocol() == requestedRevision(query.eio())) {
            runOn(session, () -> {
                if (session.transport() instanceof PollingTransport polling) {
                    polling.onDataConnectionClosed();
                }
            });
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        PollingTransport poll = waitingPoll;
        if (poll != null && poll.session() != null) {
            poll.session().scheduler().execute(() -> poll.onPollConnectionClosed(ctx));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Refuses the request as the reference does, after telling the application's listener. */
    private void fail(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponses.RequestInfo info,
                      EngineError error, boolean upgrade, String detail) {
        ConnectionErrorReports.report(config.connectionErrors(), ctx, request, error, detail);
        if (upgrade) {
            // The reference aborts a failed upgrade with a bare 400 and closes the connection.
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                    Unpooled.copiedBuffer(error.message(), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_HTML);
            HttpResponses.send(ctx, false, response);
            return;
        }
        HttpResponses.send(ctx, info, config.cors(), HttpResponseStatus.valueOf(error.httpStatus()),
                HttpResponses.JSON, error.json());
    }

    /** A WebSocket from a page of a foreign origin: 403, before the handshake, and the connection closed. */
    private static void refuseOrigin(ChannelHandlerContext ctx, FullHttpRequest request) {
        refusals.warn("websocket-origin", "{}: WebSocket refused (403): Origin '{}' is neither same-origin with Host '{}'"
                        + " nor allowed by cors", ctx.channel().remoteAddress(),
                LogSafe.text(request.headers().get(HttpHeaderNames.ORIGIN)),
                LogSafe.text(request.headers().get(HttpHeaderNames.HOST)));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                Unpooled.copiedBuffer(EngineError.FORBIDDEN.message(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_HTML);
        HttpResponses.send(ctx, false, response);
    }

    /** The revision a request with a sid speaks, as the reference reads it: "4" is 4, anything else 3. */
    private static int requestedRevision(String eio) {
        return "4".equals(eio) ? 4 : 3;
    }

    /**
     * Whether the client asked for binary as base64 text ({@code b64} set and not empty, as engine.io
     * reads it): v3 clients without binary support. v4 codecs send binary payloads as text anyway.
     */
    private static boolean base64(EngineQuery query) {
        String b64 = query.b64();
        return b64 != null && !b64.isEmpty();
    }

    /** @return the JSONP index of a v3 polling request ({@code j}), or null; v4 has no JSONP and ignores it */
    private static String jsonpIndex(EngineCodec codec, EngineQuery query) {
        return codec.protocol() == 3 ? query.jsonp() : null;
    }

    /** JSONP is off unless the application turned it on (see {@code EngineOptions.jsonp()}), and its index is digits. */
    private boolean jsonpAllowed(String index) {
        return config.engine().jsonp() && Jsonp.isValidIndex(index);
    }

    private static int protocolOf(String eio) {
        return "4".equals(eio) ? 4 : "3".equals(eio) ? 3 : -1;
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** Node's checkInvalidHeaderChar: only tab and visible ASCII/Latin-1 characters are allowed. */
    private static boolean hasInvalidHeaderChar(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == '\t' || c >= 0x20 && c <= 0x7e || c >= 0x80 && c <= 0xff)) {
                return true;
            }
        }
        return false;
    }

    static EngineRequest toEngineRequest(ChannelHandlerContext ctx, FullHttpRequest request,
                                                 Map<String, List<String>> query) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        return new EngineRequest(request.method().name(), request.uri(), query, headers, remote,
                ctx.pipeline().get(SslHandler.class) != null);
    }
}
