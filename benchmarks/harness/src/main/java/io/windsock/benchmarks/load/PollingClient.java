package io.windsock.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A raw Engine.IO v4 / Socket.IO v5 client on HTTP long-polling, polling as socket.io-client 4 does: one
 * GET always outstanding, outgoing packets POSTed (all that queued up joined by {@code \x1e} in one
 * POST, at most one POST in flight). It has two keep-alive HTTP/1.1 connections of its own, one for
 * GETs and one for POSTs: the per-client equivalent of a keep-alive agent.
 *
 * <p>With {@code upgrade}, once the namespace is connected it probes a WebSocket ({@link RawClient}
 * with an {@link UpgradeProtocol}); on {@code 3probe} it stops polling and posting, and once its last
 * GET (answered with a noop by the server) and POST are back it sends {@code 5} and moves every later
 * emit to the WebSocket. Emits must not be made between {@code 3probe} and the upgrade (the scenario
 * starts only once every client has upgraded): their acks would come over the WebSocket, which does
 * not know their ids.
 *
 * <p>Runs on the driver's single event loop: no field needs synchronization.
 */
final class PollingClient {
    interface Listener {
        /** The main namespace is connected; the client may emit. */
        void onReady(PollingClient client);

        /** The session moved to WebSocket; acks now come through the WebSocket's listener. */
        void onUpgraded(PollingClient client);

        /** An ack for an event sent over polling, carrying its send time. */
        void onAck(PollingClient client, long sentNanos, long nowNanos);

        /** The session failed: an HTTP error, a closed connection, a close or error packet. */
        void onClosed(PollingClient client, String why);
    }

    private static final byte SEPARATOR = 0x1e;
    private static final byte[] CONNECT = ClientProtocol.ascii("40");
    private static final byte[] PONG = ClientProtocol.ascii("3");
    private static final byte[] UPGRADE = ClientProtocol.ascii("5");
    private static final byte[] EVENT = ClientProtocol.ascii("42");
    private static final ObjectMapper JSON = new ObjectMapper();

    final int index;
    final boolean upgrade;
    private final Listener listener;
    /** Gets the acks and closes of the upgraded WebSocket. */
    private final RawClient.Listener webSocketListener;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final String host;
    private final String path;
    private Channel gets;
    private Channel posts;
    private String sid;
    /** The session's polling URI ({@code ...&sid=S}), for GETs and POSTs alike. */
    private String uri;
    private boolean getInFlight;
    private boolean postInFlight;
    /** Packets not yet POSTed, joined by the record separator; null when none. */
    private ByteBuf outgoing;
    private boolean ready;
    /** {@code 3probe} came: no more polls or POSTs, {@code 5} once both are back. */
    private boolean pausing;
    private RawClient webSocket;
    private boolean upgraded;
    /** Closed by the driver or failed: nothing more is reported. */
    private boolean closed;
    private final AckRing acks = new AckRing();

    PollingClient(int index, boolean upgrade, Listener listener, RawClient.Listener webSocketListener,
            Bootstrap bootstrap, InetSocketAddress remote, String path) {
        this.index = index;
        this.upgrade = upgrade;
        this.listener = listener;
        this.webSocketListener = webSocketListener;
        this.bootstrap = bootstrap;
        this.remote = remote;
        this.host = remote.getHostString() + ":" + remote.getPort();
        this.path = path.endsWith("/") ? path : path + "/";
    }

    /** Opens both connections; the GET connection starts with the handshake. */
    void connect() {
        gets = open(true);
        posts = open(false);
    }

    private Channel open(boolean forPolls) {
        return bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), new Http(forPolls));
            }
        }).connect(remote).addListener(f -> {
            if (!f.isSuccess()) {
                fail((forPolls ? "GET" : "POST") + " connection: " + f.cause());
            }
        }).channel();
    }

    /** Ack ids of events sent over polling whose slot was reused before the ack came (see {@link AckRing}). */
    long lostAcks() {
        return acks.lost();
    }

    boolean isUpgraded() {
        return upgraded;
    }

    /** Whether the session now runs over an open WebSocket. */
    boolean onWebSocket() {
        return upgraded && webSocket.channel() != null && webSocket.channel().isActive();
    }

    /** Emits {@code 42<id>} and {@code body} (see {@link RawClient#emitWithAck}), over polling or, once upgraded, the WebSocket. */
    void emitWithAck(byte[] body, long sentNanos) {
        if (upgraded) {
            webSocket.emitWithAck(body, sentNanos);
            return;
        }
        if (pausing) {
            throw new IllegalStateException("emit during the upgrade of client " + index);
        }
        long id = acks.send(sentNanos);
        ByteBuf buf = startPacket();
        buf.writeBytes(EVENT);
        ByteBufUtil.writeAscii(buf, Long.toString(id));
        buf.writeBytes(body);
        flush();
    }

    private void queue(byte[] packet) {
        startPacket().writeBytes(packet);
        flush();
    }

    /** @return the outgoing buffer, a separator written when it holds packets already */
    private ByteBuf startPacket() {
        if (outgoing == null) {
            outgoing = ByteBufAllocator.DEFAULT.buffer(256);
        } else {
            outgoing.writeByte(SEPARATOR);
        }
        return outgoing;
    }

    /** POSTs what queued up, unless a POST is in flight (its answer flushes again) or the upgrade pauses posting. */
    private void flush() {
        if (outgoing == null || postInFlight || pausing || closed || uri == null || posts == null
                || !posts.isActive()) {
            return;
        }
        FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, outgoing);
        post.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, outgoing.readableBytes());
        outgoing = null;
        postInFlight = true;
        posts.writeAndFlush(post, posts.voidPromise());
    }

    private void poll(String pollUri) {
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pollUri,
                Unpooled.EMPTY_BUFFER);
        get.headers().set(HttpHeaderNames.HOST, host);
        getInFlight = true;
        gets.writeAndFlush(get, gets.voidPromise());
    }

    private void onPolled(FullHttpResponse response) {
        getInFlight = false;
        if (response.status().code() != 200) {
            fail("poll: HTTP " + response.status());
            return;
        }
        ByteBuf c = response.content();
        long now = System.nanoTime();
        int from = c.readerIndex();
        int end = c.writerIndex();
        while (from < end && !closed) {
            int sep = c.indexOf(from, end, SEPARATOR);
            int to = sep < 0 ? end : sep;
            onPacket(c, from, to - from, now);
            from = to + 1;
        }
        if (closed) {
            return;
        }
        if (pausing) {
            finishUpgrade();
        } else if (uri == null) {
            fail("the handshake's answer has no OPEN packet");
        } else {
            poll(uri);
        }
    }

    private void onPosted(FullHttpResponse response) {
        postInFlight = false;
        if (response.status().code() != 200) {
            fail("POST: HTTP " + response.status());
        } else if (pausing) {
            finishUpgrade();
        } else {
            flush();
        }
    }

    /** One Engine.IO packet of a poll's answer: {@code [i, i + n)} of {@code c}. */
    private void onPacket(ByteBuf c, int i, int n, long now) {
        if (n == 0) {
            return;
        }
        switch (c.getByte(i)) {
            case '0' -> open(c.toString(i + 1, n - 1, StandardCharsets.UTF_8));
            case '2' -> queue(PONG);
            case '6' -> { // noop: the server's answer to the poll of an upgrading session
            }
            case '1' -> fail("the server closed the session");
            case '4' -> onSocketIoPacket(c, i + 1, n - 1, now);
            default -> {
            }
        }
    }

    private void open(String json) {
        try {
            JsonNode open = JSON.readTree(json);
            sid = open.path("sid").asText(null);
        } catch (Exception e) {
            fail("unreadable OPEN packet: " + json);
            return;
        }
        if (sid == null) {
            fail("OPEN packet without sid: " + json);
            return;
        }
        uri = path + "?EIO=4&transport=polling&sid=" + URLEncoder.encode(sid, StandardCharsets.UTF_8);
        queue(CONNECT);
    }

    private void onSocketIoPacket(ByteBuf c, int i, int n, long now) {
        if (n == 0) {
            return;
        }
        switch (c.getByte(i)) {
            case '0' -> {
                if (!ready) {
                    ready = true;
                    listener.onReady(this);
                    if (upgrade) {
                        probe();
                    }
                }
            }
            case '3' -> {
                long id = RawClient.parseDecimal(c, i + 1, i + n);
                int slot = acks.ack(id);
                if (slot >= 0) {
                    listener.onAck(this, acks.sentNanos(slot), now);
                }
            }
            case '4' -> fail("connect error: " + c.toString(i, n, StandardCharsets.UTF_8));
            case '1' -> fail("the server disconnected the socket");
            default -> { // events: not sent to this scenario's clients
            }
        }
    }

    /** Opens the WebSocket of the session; it sends {@code 2probe} once the server accepted it. */
    private void probe() {
        webSocket = new RawClient(index, webSocketListener, new UpgradeProtocol(remote.getHostString(),
                remote.getPort(), path, sid, this));
        bootstrap.clone().handler(webSocket).connect(remote).addListener(f -> {
            if (!f.isSuccess()) {
                fail("WebSocket connection: " + f.cause());
            }
        });
    }

    /** {@code 3probe}: pause polling and posting, upgrade once the requests in flight are back. */
    void probeAnswered() {
        pausing = true;
        finishUpgrade();
    }

    private void finishUpgrade() {
        if (upgraded || closed || getInFlight || postInFlight) {
            return;
        }
        webSocket.send(UPGRADE);
        upgraded = true;
        pausing = false;
        if (outgoing != null) { // pongs queued while paused: each its own frame now
            sendSplit(outgoing);
            outgoing.release();
            outgoing = null;
        }
        // The polling connections are idle from now on.
        gets.close();
        posts.close();
        listener.onUpgraded(this);
    }

    private void sendSplit(ByteBuf packets) {
        int from = packets.readerIndex();
        int end = packets.writerIndex();
        while (from < end) {
            int sep = packets.indexOf(from, end, SEPARATOR);
            int to = sep < 0 ? end : sep;
            webSocket.send(ByteBufUtil.getBytes(packets, from, to - from));
            from = to + 1;
        }
    }

    /** Closes every connection of the session without reporting it. */
    void close() {
        closed = true;
        if (outgoing != null) {
            outgoing.release();
            outgoing = null;
        }
        for (Channel ch : new Channel[] {gets, posts, webSocket == null ? null : webSocket.channel()}) {
            if (ch != null) {
                ch.close();
            }
        }
    }

    private void fail(String why) {
        if (!closed) {
            listener.onClosed(this, why);
            close();
        }
    }

    /** The handler of one of the two HTTP connections. */
    private final class Http extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final boolean forPolls;

        Http(boolean forPolls) {
            this.forPolls = forPolls;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            // Set here too: a loopback connect may complete before connect() returns.
            if (forPolls) {
                gets = ctx.channel();
                poll(path + "?EIO=4&transport=polling");  // the handshake
            } else {
                posts = ctx.channel();
                flush();
            }
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (forPolls) {
                onPolled(response);
            } else {
                onPosted(response);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!upgraded) {
                fail((forPolls ? "GET" : "POST") + " connection closed");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause.toString());
        }
    }
}
