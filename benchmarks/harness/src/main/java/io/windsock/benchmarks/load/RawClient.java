package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A raw Engine.IO v4 / Socket.IO v5 client over one WebSocket, with its own minimal WebSocket
 * codec: the driver must cost far less per connection and per message than any server it measures,
 * and Netty's client pipeline (HTTP codec, aggregator, handshaker, frame codecs) cost as much per
 * connection as some servers. So: a fixed upgrade request (no extensions offered, hence no
 * permessage-deflate), a status-line check, unfragmented frames; client frames carry the mask bit
 * with a zero key (valid, and no XOR pass). Just enough protocol for the benchmark contract, no JSON:
 * after the OPEN packet ({@code 0{...}}) it joins the main namespace ({@code 40}), answers pings
 * ({@code 2} with {@code 3}), and reports acks ({@code 43<id>[...]}) and events ({@code 42[...]}).
 *
 * <p>Runs on the driver's single event loop: no field needs synchronization.
 */
final class RawClient extends ByteToMessageDecoder {
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
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final int index;
    private final Listener listener;
    private final byte[] upgradeRequest;
    private Channel channel;
    private boolean upgraded;
    private boolean ready;
    private boolean closedReported;
    private long nextAckId;
    /** Send time of each ack id still outstanding, indexed by id modulo {@link #RING}. */
    private final long[] sentAt = new long[RING];
    private final long[] sentId = new long[RING];
    long connectStartNanos;
    /** Ack ids whose slot was reused before the ack came (more than {@link #RING} outstanding). */
    long lostAcks;

    /** @param upgradeRequest the complete HTTP upgrade request, the same bytes for every client */
    RawClient(int index, Listener listener, byte[] upgradeRequest) {
        this.index = index;
        this.listener = listener;
        this.upgradeRequest = upgradeRequest;
        java.util.Arrays.fill(sentId, -1);
    }

    static byte[] upgradeRequest(String host, int port, String pathAndQuery) {
        return ("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
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
        String digits = Long.toString(id);
        int length = EVENT.length + digits.length() + body.length;
        ByteBuf buf = frameHeader(length);
        buf.writeBytes(EVENT);
        ByteBufUtil.writeAscii(buf, digits);
        buf.writeBytes(body);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    private void sendText(byte[] text) {
        ByteBuf buf = frameHeader(text.length);
        buf.writeBytes(text);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    /** A FIN text frame header with the mask bit and a zero masking key, in a buffer sized for the payload. */
    private ByteBuf frameHeader(int length) {
        ByteBuf buf = channel.alloc().buffer(length + 14);
        buf.writeByte(0x81);
        if (length < 126) {
            buf.writeByte(0x80 | length);
        } else if (length < 65536) {
            buf.writeByte(0x80 | 126);
            buf.writeShort(length);
        } else {
            buf.writeByte(0x80 | 127);
            buf.writeLong(length);
        }
        buf.writeInt(0); // masking key 0: the payload goes as it is
        return buf;
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        ByteBuf request = ctx.alloc().buffer(upgradeRequest.length);
        request.writeBytes(upgradeRequest);
        ctx.writeAndFlush(request, ctx.voidPromise());
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!upgraded) {
            int end = headerEnd(in);
            if (end < 0) {
                if (in.readableBytes() > 8192) {
                    fail(ctx, "oversized upgrade response");
                }
                return;
            }
            String status = in.toString(in.readerIndex(), Math.min(12, in.readableBytes()), StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 101")) {
                fail(ctx, "upgrade refused: " + in.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
                return;
            }
            in.readerIndex(end + HEADER_END.length);
            upgraded = true;
        }
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int b0 = in.getUnsignedByte(start);
            int b1 = in.getUnsignedByte(start + 1);
            int header = 2;
            long length = b1 & 0x7f;
            if (length == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                length = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (length == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                length = in.getLong(start + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0) {
                fail(ctx, "masked frame from the server");
                return;
            }
            if (in.readableBytes() < header + length) {
                return;
            }
            ByteBuf payload = in.slice(start + header, (int) length);
            in.readerIndex(start + header + (int) length);
            int opcode = b0 & 0x0f;
            if ((b0 & 0x80) == 0 || opcode == 0) {
                fail(ctx, "fragmented frame: not supported by the benchmark client");
                return;
            }
            switch (opcode) {
                case 1 -> onText(ctx, payload);
                case 8 -> {
                    ctx.close();
                    return;
                }
                case 9 -> { // ping: pong with the same payload
                    ByteBuf pong = ctx.alloc().buffer(payload.readableBytes() + 6);
                    pong.writeByte(0x8a).writeByte(0x80 | payload.readableBytes()).writeInt(0).writeBytes(payload);
                    ctx.writeAndFlush(pong, ctx.voidPromise());
                }
                default -> { // binary and pong frames: not used by the contract
                }
            }
        }
    }

    /** @return the absolute index of the CRLFCRLF ending the HTTP headers, or -1. */
    private static int headerEnd(ByteBuf in) {
        for (int i = in.readerIndex(), last = in.writerIndex() - 4; i <= last; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
                    && in.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void onText(ChannelHandlerContext ctx, ByteBuf c) {
        int i = c.readerIndex();
        int n = c.readableBytes();
        if (n == 0) {
            return;
        }
        switch (c.getByte(i)) {
            case '0' -> sendText(CONNECT); // OPEN: join the main namespace
            case '2' -> sendText(PONG);
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
                long id = parseDecimal(c, i + 1, i + n);
                int slot = (int) (id & (RING - 1));
                if (id >= 0 && sentId[slot] == id) {
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

    private void fail(ChannelHandlerContext ctx, String why) {
        reportClosed(why);
        ctx.close();
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
