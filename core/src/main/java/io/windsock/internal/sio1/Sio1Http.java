package io.windsock.internal.sio1;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.CorsOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import io.windsock.internal.transport.HttpResponses;
import io.windsock.internal.transport.IdleCloser;
import io.windsock.internal.transport.NettyScheduler;
import io.windsock.internal.transport.OriginCheck;
import io.windsock.internal.transport.ProtocolRoute;
import io.windsock.internal.transport.UriQuery;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The HTTP side of protocol 1, under {@code <path><version>/}: the handshake ({@code GET <path>1/},
 * also as JSONP), the transports ({@code <path>1/<transport>/<sid>}) and the client's
 * {@code ?disconnect}. Statuses as TornadIO2's: 503 for a version other than 1, 401 for an unknown
 * or closed session (or a transport while a stream is open, or another IP; a poll while another waits replaces it), 403 for a malformed JSONP POST,
 * and 403 for a page of a foreign origin.
 */
public final class Sio1Http implements ProtocolRoute {
    private static final RateLimitedLog refusals = new RateLimitedLog(Loggers.TRANSPORT);
    /**
     * The last poll read on a connection, ended if it still waits when a request is read behind it (see
     * {@link #requestWaiting}). It lets go of its session once answered: a closed session is not kept here.
     */
    private static final AttributeKey<Sio1Poll> LAST_POLL = AttributeKey.valueOf(Sio1Http.class, "lastPoll");
    private final Sio1Server server;
    private final String path;
    private final CorsOptions cors;
    private final OriginCheck originCheck;
    private final AllowRequest allowRequest;
    private final int maxFrameBytes;
    private FlashPolicyServer flashPolicy;

    /**
     * @param path the Socket.IO path with both slashes ({@code /socket.io/})
     */
    public Sio1Http(Sio1Server server, String path, CorsOptions cors, boolean checkOrigin, AllowRequest allowRequest,
                    int maxFrameBytes) {
        this.server = server;
        this.path = path;
        this.cors = cors;
        this.originCheck = new OriginCheck(cors, checkOrigin);
        this.allowRequest = allowRequest;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public long idleMillis() {
        var o = server.settings().options();
        return Math.max(o.pollTimeout().toMillis(), o.heartbeatInterval().toMillis()) + o.clientTimeout().toMillis() + 1000;
    }

    @Override
    public void start(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> channelClass,
                      String host, int serverPort, Predicate<Channel> admit) throws InterruptedException {
        var options = server.settings().options();
        if (options.flashPolicyPort() != 0) {
            flashPolicy = new FlashPolicyServer();
            flashPolicy.start(boss, workers, channelClass, host, options.flashPolicyPort(), options.flashPolicyFile() != null
                    ? options.flashPolicyFile() : FlashPolicyServer.defaultPolicy(serverPort), admit);
        }
    }

    @Override
    public void shutdown() {
        if (flashPolicy != null) {
            flashPolicy.stop();
        }
        server.shutdown();
    }

    @Override
    public int closeSessionsOn(Predicate<EngineScheduler> threads) {
        return server.closeSessionsOn(threads);
    }

    @Override
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, String requestPath) {
        String rest = requestPath.substring(path.length());
        int slash = rest.indexOf('/');
        String version = slash < 0 ? rest : rest.substring(0, slash);
        if (!isDigits(version, 9)) {
            return false; // not a protocol-1 path: Engine.IO's
        }
        HttpResponses.RequestInfo info = HttpResponses.RequestInfo.of(request);
        if (!"1".equals(version)) {
            plain(ctx, info, HttpResponseStatus.SERVICE_UNAVAILABLE, "Protocol version not supported");
            return true;
        }
        if (request.method() == HttpMethod.OPTIONS) {
            if (cors != null) {
                HttpResponses.preflight(ctx, request, cors);
            } else {
                plain(ctx, info, HttpResponseStatus.NO_CONTENT, "");
            }
            return true;
        }
        if (!originAllowed(ctx, request)) {
            // Pages of other sites neither handshake (which runs the application's connection code with
            // the visitor's cookies) nor use a session.
            plain(ctx, info, HttpResponseStatus.FORBIDDEN, "Origin not allowed");
            return true;
        }
        String[] parts = slash < 0 ? new String[0] : rest.substring(slash + 1).split("/", -1);
        Map<String, List<String>> query = UriQuery.parameters(request.uri()); // 0.9's url.parse: & only
        if (parts.length == 0 || parts.length == 1 && parts[0].isEmpty()) {
            handshake(ctx, request, info, query);
            return true;
        }
        String transport = parts[0];
        String sid = parts.length > 1 ? parts[1] : "";
        if (parts.length > 3 || parts.length == 3 && !parts[2].isEmpty()) {
            plain(ctx, info, HttpResponseStatus.NOT_FOUND, "Not Found");
            return true;
        }
        Sio1Session session = server.session(sid);
        if (query.containsKey("disconnect")) {
            // The client's synchronous disconnect on page unload: /1//<sid>/?disconnect=1
            if (session == null || !sameIp(ctx, session)) {
                plain(ctx, info, HttpResponseStatus.UNAUTHORIZED, "Unknown session");
            } else {
                session.closeOnClientRequest();
                plain(ctx, info, HttpResponseStatus.OK, "");
            }
            return true;
        }
        if (!server.settings().offers(transport)) {
            plain(ctx, info, HttpResponseStatus.NOT_FOUND, "Transport not supported");
            return true;
        }
        if (session == null || !sameIp(ctx, session)) {
            plain(ctx, info, HttpResponseStatus.UNAUTHORIZED, "Unknown session");
            return true;
        }
        switch (transport) {
            case "websocket", "flashsocket" -> webSocket(ctx, request, info, session, transport);
            case "htmlfile" -> {
                if (request.method() == HttpMethod.GET) {
                    htmlFile(ctx, info, session);
                } else {
                    post(ctx, request, info, session, transport, false);
                }
            }
            default -> {
                boolean jsonp = "jsonp-polling".equals(transport);
                if (request.method() == HttpMethod.GET) {
                    poll(ctx, info, session, transport, jsonp ? query : null);
                } else {
                    post(ctx, request, info, session, transport, jsonp);
                }
            }
        }
        return true;
    }

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponses.RequestInfo info,
                           Map<String, List<String>> query) {
        if (request.method() != HttpMethod.GET) {
            plain(ctx, info, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
            return;
        }
        String jsonp = first(query, "jsonp");
        if (jsonp != null && !isDigits(jsonp, 9)) {
            plain(ctx, info, HttpResponseStatus.FORBIDDEN, "JSONP not allowed"); // never reflected into a script
            return;
        }
        if (jsonp != null && !server.settings().offers("jsonp-polling")) {
            refuseHandshake(ctx, info, jsonp, HttpResponseStatus.FORBIDDEN, "JSONP not allowed");
            return;
        }
        EngineRequest engineRequest = toEngineRequest(ctx, request, query);
        if (!allowRequest.allow(engineRequest)) {
            refuseHandshake(ctx, info, jsonp, HttpResponseStatus.FORBIDDEN, "Forbidden");
            return;
        }
        var opening = server.open(engineRequest, NettyScheduler.of(ctx.channel().eventLoop()));
        if (opening == null) {
            // maxSessions. 503, not 403: on a 403 the 0.9 client stays "connecting" and never tries again;
            // on any other status it emits "error", and while reconnecting retries with its backoff.
            refusals.warn("max-sessions", "{}: 0.9 handshake refused (503): maxSessions reached",
                    ctx.channel().remoteAddress());
            refuseHandshake(ctx, info, jsonp, HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many sessions");
            return;
        }
        opening.whenComplete((session, refused) -> {
            if (refused != null) {
                refuseHandshake(ctx, info, jsonp, HttpResponseStatus.UNAUTHORIZED, "Unauthorized");
                return;
            }
            String body = session.id() + ":" + server.settings().handshakeTail();
            if (jsonp == null) {
                HttpResponses.sendPolling(ctx, info, cors, HttpResponses.TEXT_PLAIN_VALUE, body);
            } else {
                Sio1Poll.sendScript(ctx, info, cors, "io.j[" + jsonp + "](" + Sio1Script.literal(body) + ");");
            }
        });
    }

    /**
     * Refuses a handshake. A JSONP handshake is a script element, which cannot read a status: it is
     * called back with an {@code Error} instead, as the 0.9 server does, which the client takes as
     * the refusal (it emits "error", and retries while reconnecting). Without the callback it would
     * stay "connecting" for good.
     */
    private void refuseHandshake(ChannelHandlerContext ctx, HttpResponses.RequestInfo info, String jsonp,
                                 HttpResponseStatus status, String message) {
        if (jsonp == null) {
            plain(ctx, info, status, message);
        } else {
            Sio1Poll.sendScript(ctx, info, cors, "io.j[" + jsonp + "](new Error(" + Sio1Script.literal(message) + "));");
        }
    }

    private void poll(ChannelHandlerContext ctx, HttpResponses.RequestInfo info, Sio1Session session, String transport,
                      Map<String, List<String>> jsonpQuery) {
        String index = null;
        if (jsonpQuery != null) {
            index = first(jsonpQuery, "i");
            if (index == null || !isDigits(index, 9)) {
                plain(ctx, info, HttpResponseStatus.BAD_REQUEST, "Bad JSONP index"); // never reflected into the script
                return;
            }
        }
        Sio1Poll poll = new Sio1Poll(transport, ctx, info, cors, index, session);
        ctx.channel().attr(LAST_POLL).set(poll);
        onSession(session, () -> {
            if (!session.attach(poll)) {
                poll.refused();
                plain(ctx, info, HttpResponseStatus.UNAUTHORIZED, "Unknown session");
                return;
            }
            poll.detachOnClose(() -> onSession(session, () -> session.detach(poll)));
            // No need to ask whether a request waits behind it already (Engine.IO's polls ask, as they
            // may be deferred): a request comes to wait only after this one was routed here, which set
            // LAST_POLL, and the end it then asks for reaches the session's thread after this task.
        });
    }

    /**
     * A request waits behind the one being answered on {@code ctx}'s connection: a poll waiting there
     * ends now with a noop. An htmlfile stream does not: its answer says {@code Connection: close},
     * so nothing behind it on its connection is ever answered, and the client knows it from the head.
     */
    @Override
    public void requestWaiting(ChannelHandlerContext ctx) {
        Sio1Poll poll = ctx.channel().hasAttr(LAST_POLL) ? ctx.channel().attr(LAST_POLL).getAndSet(null) : null;
        if (poll != null) {
            poll.endIfWaiting();
        }
    }

    private void post(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponses.RequestInfo info,
                      Sio1Session session, String transport, boolean jsonp) {
        if (request.method() != HttpMethod.POST) {
            plain(ctx, info, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
            return;
        }
        String payload;
        if (jsonp) {
            payload = Sio1Forms.jsonpPayload(ByteBufUtil.getBytes(request.content()));
            if (payload == null) {
                plain(ctx, info, HttpResponseStatus.FORBIDDEN, "Bad JSONP body");
                return;
            }
        } else {
            String body = request.content().toString(StandardCharsets.UTF_8);
            payload = body.startsWith("data=") ? body.substring(5) : body; // IE's XDomainRequest
        }
        // The session may hold the answer past the idle period (while reading is paused): not idle.
        IdleCloser.sessionAnswers(ctx);
        onSession(session, () -> {
            if (session.state() != Sio1Session.State.OPEN) {
                plain(ctx, info, HttpResponseStatus.UNAUTHORIZED, "Unknown session");
                return;
            }
            session.noteTransport(transport);
            // While the layer above cannot take more, the answer waits (with what is left of the body):
            // the client sends no next POST.
            session.onPayload(payload, () -> {
                if (jsonp) {
                    HttpResponses.sendPolling(ctx, info, cors, "text/html; charset=UTF-8", "");
                } else {
                    HttpResponses.sendPolling(ctx, info, cors, HttpResponses.TEXT_PLAIN_VALUE, "1");
                }
            });
        });
    }

    private void htmlFile(ChannelHandlerContext ctx, HttpResponses.RequestInfo info, Sio1Session session) {
        Sio1HtmlFile stream = new Sio1HtmlFile(ctx);
        onSession(session, () -> {
            if (session.hasTransport() || session.state() != Sio1Session.State.OPEN) {
                plain(ctx, info, HttpResponseStatus.UNAUTHORIZED, "Unknown session");
                return;
            }
            stream.start(info, cors, session);
            session.attach(stream);
            ctx.channel().closeFuture().addListener(f -> onSession(session, () -> session.detach(stream)));
        });
    }

    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponses.RequestInfo info,
                           Sio1Session session, String transport) {
        if (request.method() != HttpMethod.GET) {
            plain(ctx, info, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
            return;
        }
        if (!request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            plain(ctx, info, HttpResponseStatus.BAD_REQUEST, "Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }
        // wss also for a page served over https whose TLS a proxy ends, as the 0.9 server tells it by the
        // Origin: a hixie-76 client compares the whole location, scheme included, with the URL it opened.
        String origin = request.headers().get(HttpHeaderNames.ORIGIN, "");
        String scheme = ctx.pipeline().get(SslHandler.class) != null
                || origin.regionMatches(true, 0, "https:", 0, 6) ? "wss" : "ws";
        // The URL asked for, query included: a hixie-76 client fails the connection unless the answer's
        // Sec-WebSocket-Location is exactly that (the 0.9 client puts its query option on it).
        String uri = request.uri();
        String location = scheme + "://" + request.headers().get(HttpHeaderNames.HOST, "localhost")
                + (uri.startsWith("/") ? uri : new QueryStringDecoder(uri).path());
        // Version 13/8/7, and hixie-76 (no version header) for old Safari and the Flash bridge. With
        // perMessageDeflate on, the compression handler ahead negotiates the extension a browser offers,
        // and puts its decoder ahead of the frame handlers added here: the frame decoder must then let
        // the extension's bit through, as on Engine.IO's path.
        boolean extensions = ctx.pipeline().get(WebSocketServerExtensionHandler.class) != null;
        WebSocketServerHandshaker handshaker = request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION)
                ? new WebSocketServerHandshakerFactory(location, null, extensions, maxFrameBytes).newHandshaker(request)
                : Hixie76.handshaker(location, maxFrameBytes);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Sio1WebSocket ws = new Sio1WebSocket(transport, ctx.channel(), session, maxFrameBytes);
        ChannelPipeline pipeline = ctx.pipeline();
        ChannelHandler[] frames = {new Utf8FrameValidator(true), new WebSocketFrameAggregator(maxFrameBytes), ws};
        pipeline.addLast(frames);
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(ctx.channel(), request);
        } catch (WebSocketHandshakeException e) {
            // Netty's checks (a key, the Upgrade and Connection tokens, hixie-76's keys: see Hixie76)
            // failed before it touched the pipeline: the HTTP codec is still there to answer, as on
            // Engine.IO's path. The session stays as it was.
            for (ChannelHandler handler : frames) {
                pipeline.remove(handler);
            }
            HttpResponses.send(ctx, new HttpResponses.RequestInfo(false, info.origin()), cors,
                    HttpResponseStatus.BAD_REQUEST, HttpResponses.TEXT_PLAIN, "Bad Request");
            return;
        }
        pipeline.remove(ctx.handler());
        handshake.addListener(written -> {
            if (!written.isSuccess()) {
                ctx.channel().close();
                return;
            }
            var options = server.settings().options();
            onSession(session, () -> {
                if (options.websocketCheck()) {
                    ws.probe(options.clientTimeout());
                } else if (!session.attach(ws)) {
                    ws.close(); // another transport is attached, or the session is over
                }
            });
        });
    }

    /**
     * The WebSocket origin check, and an {@code Origin} equal to {@code Host}: the 0.9 client's
     * WebSocket library in Node sends the host without a scheme (browsers always send one).
     */
    private boolean originAllowed(ChannelHandlerContext ctx, FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin != null && origin.equalsIgnoreCase(request.headers().get(HttpHeaderNames.HOST))
                || originCheck.allowsWebSocket(request.headers(), ctx.pipeline().get(SslHandler.class) != null);
    }

    private boolean sameIp(ChannelHandlerContext ctx, Sio1Session session) {
        if (!server.settings().options().verifyRemoteIp()) {
            return true;
        }
        InetSocketAddress first = session.request().remoteAddress();
        InetSocketAddress now = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        return first == null || now == null || first.getAddress().equals(now.getAddress());
    }

    private static void onSession(Sio1Session session, Runnable task) {
        if (session.scheduler().inThread()) {
            task.run();
        } else {
            session.scheduler().execute(task);
        }
    }

    private void plain(ChannelHandlerContext ctx, HttpResponses.RequestInfo info, HttpResponseStatus status, String body) {
        HttpResponses.send(ctx, info, cors, status, HttpResponses.TEXT_PLAIN, body);
    }

    static boolean isDigits(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static EngineRequest toEngineRequest(ChannelHandlerContext ctx, FullHttpRequest request,
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
