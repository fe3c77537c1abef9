package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * A raw Engine.IO v4 / Socket.IO v5 client over one WebSocket: just enough protocol for the benchmark
 * contract, with no JSON parsing. After the WebSocket handshake it waits for the OPEN packet
 * ({@code 0{...}}), joins the main namespace ({@code 40}), answers pings ({@code 2} with {@code 3}),
 * and reports acks ({@code 43<id>[...]}) and events ({@code 42[...]}) to its {@link Listener}.
 *
 * <p>Runs on the driver's single event loop: no field needs synchronization.
 */
final class RawClient extends SimpleChannelInboundHandler<WebSocketFrame> {
    interface Listener {
        /** The main namespace is joined; the client may emit. */
        void onReady(RawClient client);

        /** An ack for an event this client sent with {@code id}, carrying its send time. */
        void onAck(RawClient client, long id, long sentNanos, long nowNanos);

        /** An event from the server; {@code content} holds the whole Engine.IO packet ({@code 42[...]}). */
        void onEvent(RawClient client, ByteBuf content, long nowNanos);

        /** The connection failed or closed before or after it was ready. */
        void onClosed(RawClient client, boolean wasReady, String why);
    }

    private static final int RING = 1024;
    private static final byte[] CONNECT = "40".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "3".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "42".getBytes(StandardCharsets.US_ASCII);

    final int index;
    private final Listener listener;
    private Channel channel;
    private boolean ready;
    private boolean closedReported;
    private long nextAckId;
    /** Send time of each ack id still outstanding, indexed by id modulo {@link #RING}. */
    private final long[] sentAt = new long[RING];
    private final long[] sentId = new long[RING];
    long connectStartNanos;
    /** Ack ids whose slot was reused before the ack came (more than {@link #RING} outstanding). */
    long lostAcks;

    RawClient(int index, Listener listener) {
        this.index = index;
        this.listener = listener;
        java.util.Arrays.fill(sentId, -1);
    }

    boolean isReady() {
        return ready;
    }

    Channel channel() {
        return channel;
    }

    /**
     * Emits {@code 42<id><body>} with an ack id; {@code body} is the JSON array after the id, e.g.
     * {@code ["echo","xx"]}. {@code sentNanos} is kept for latency: the actual or the intended send time.
     */
    void emitWithAck(byte[] body, long sentNanos) {
        long id = nextAckId++;
        int slot = (int) (id & (RING - 1));
        if (sentId[slot] >= 0) {
            lostAcks++;
        }
        sentId[slot] = id;
        sentAt[slot] = sentNanos;
        ByteBuf buf = channel.alloc().buffer(body.length + 24);
        buf.writeBytes(EVENT);
        writeDecimal(buf, id);
        buf.writeBytes(body);
        channel.writeAndFlush(new TextWebSocketFrame(buf), channel.voidPromise());
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // HANDSHAKE_COMPLETE: nothing to do, the server speaks first with the OPEN packet.
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            reportClosed("websocket handshake timeout");
            ctx.close();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame)) {
            return;
        }
        ByteBuf c = frame.content();
        int i = c.readerIndex();
        int n = c.readableBytes();
        if (n == 0) {
            return;
        }
        byte type = c.getByte(i);
        switch (type) {
            case '0' -> send(CONNECT); // OPEN: join the main namespace
            case '2' -> send(PONG);
            case '1' -> ctx.close();
            case '4' -> onSocketIoPacket(ctx, c, i + 1, n - 1);
            default -> {
            }
        }
    }

    private void onSocketIoPacket(ChannelHandlerContext ctx, ByteBuf c, int i, int n) {
        if (n == 0) {
            return;
        }
        long now = System.nanoTime();
        switch (c.getByte(i)) {
            case '0' -> {
                if (!ready) {
                    ready = true;
                    listener.onReady(this);
                }
            }
            case '3' -> {
                long id = 0;
                int j = i + 1;
                int end = i + n;
                while (j < end) {
                    byte b = c.getByte(j);
                    if (b < '0' || b > '9') {
                        break;
                    }
                    id = id * 10 + (b - '0');
                    j++;
                }
                int slot = (int) (id & (RING - 1));
                if (sentId[slot] == id) {
                    sentId[slot] = -1;
                    listener.onAck(this, id, sentAt[slot], now);
                }
            }
            case '2' -> listener.onEvent(this, c, now);
            case '4' -> {
                reportClosed("connect error: " + c.toString(StandardCharsets.UTF_8));
                ctx.close();
            }
            case '1' -> ctx.close();
            default -> {
            }
        }
    }

    private void send(byte[] text) {
        ByteBuf buf = channel.alloc().buffer(text.length);
        buf.writeBytes(text);
        channel.writeAndFlush(new TextWebSocketFrame(buf), channel.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        reportClosed("connection closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        reportClosed(cause.toString());
        ctx.close();
    }

    void reportClosed(String why) {
        if (!closedReported) {
            closedReported = true;
            listener.onClosed(this, ready, why);
        }
    }

    static void writeDecimal(ByteBuf buf, long value) {
        ByteBufUtil.writeAscii(buf, Long.toString(value));
    }

    /** @return the decimal number starting at {@code from} (digits only), or -1. */
    static long parseDecimal(ByteBuf c, int from, int end) {
        long v = 0;
        int j = from;
        while (j < end) {
            byte b = c.getByte(j);
            if (b < '0' || b > '9') {
                break;
            }
            v = v * 10 + (b - '0');
            j++;
        }
        return j == from ? -1 : v;
    }
}
