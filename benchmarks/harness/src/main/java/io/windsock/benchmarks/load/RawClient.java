package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A raw Socket.IO client over one WebSocket, with its own minimal WebSocket
 * codec: the driver must cost far less per connection and per message than any server it measures,
 * and Netty's client pipeline (HTTP codec, aggregator, handshaker, frame codecs) cost as much per
 * connection as some servers. So: a fixed upgrade request (no extensions offered, hence no
 * permessage-deflate), a status-line check, unfragmented frames; client frames carry the mask bit
 * with a zero key (valid, and no XOR pass). The packets are those of one client generation, a
 * {@link ClientProtocol} (Engine.IO v4 by default; v3; Socket.IO 0.9, whose HTTP handshake goes first on
 * the same connection): just enough for the benchmark contract, no JSON.
 *
 * <p>Runs on the driver's single event loop: no field needs synchronization.
 */
final class RawClient extends ByteToMessageDecoder {
    interface Listener {
        /** The main namespace is joined; the client may emit. */
        void onReady(RawClient client);

        /** An ack for an event this client sent with {@code id}, carrying its send time. */
        void onAck(RawClient client, long id, long sentNanos, long nowNanos);

        /** An event from the server; {@code content} holds the whole packet ({@code 42[...]}, {@code 5:::{...}}). */
        void onEvent(RawClient client, ByteBuf content, long nowNanos);

        /** The connection failed or closed before or after it was ready. */
        void onClosed(RawClient client, boolean wasReady, String why);
    }

    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final int index;
    private final Listener listener;
    private final ClientProtocol protocol;
    private final byte[] eventPrefix;
    private Channel channel;
    /** 0.9: the HTTP handshake was answered and the upgrade requested. */
    private boolean handshaken;
    private boolean upgraded;
    private boolean ready;
    private boolean closedReported;
    /** The client's own heartbeat (Engine.IO v3), or null. */
    private ScheduledFuture<?> pings;
    private final AckRing acks = new AckRing();
    long connectStartNanos;

    RawClient(int index, Listener listener, ClientProtocol protocol) {
        this.index = index;
        this.listener = listener;
        this.protocol = protocol;
        this.eventPrefix = protocol.eventPrefix();
        this.handshaken = !protocol.handshakeFirst();
    }

    boolean isReady() {
        return ready;
    }

    Channel channel() {
        return channel;
    }

    /** Ack ids whose slot was reused before the ack came (see {@link AckRing}). */
    long lostAcks() {
        return acks.lost();
    }

    /**
     * Emits an event with an ack id: the protocol's prefix, the id, then {@code body} from
     * {@link ClientProtocol#eventBody} ({@code 42<id>["echo","xx"]} in v4). {@code sentNanos} is kept for latency: the actual or the intended send time.
     */
    void emitWithAck(byte[] body, long sentNanos) {
        long id = acks.send(sentNanos);
        if (protocol.binaryPackets()) {
            ByteBuf buf = frameHeader(0x82, protocol.eventLength(id, body));
            protocol.writeEvent(buf, id, body);
            channel.writeAndFlush(buf, channel.voidPromise());
            return;
        }
        String digits = Long.toString(id);
        int length = eventPrefix.length + digits.length() + body.length;
        ByteBuf buf = frameHeader(length);
        buf.writeBytes(eventPrefix);
        ByteBufUtil.writeAscii(buf, digits);
        buf.writeBytes(body);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    /** Sends one text frame. */
    void send(byte[] text) {
        ByteBuf buf = frameHeader(text.length);
        buf.writeBytes(text);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    /** Sends one binary frame. */
    void sendBinary(byte[] data) {
        ByteBuf buf = frameHeader(0x82, data.length);
        buf.writeBytes(data);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    private ByteBuf frameHeader(int length) {
        return frameHeader(0x81, length);
    }

    /** A FIN frame header (text 0x81, binary 0x82) with the mask bit and a zero masking key, in a buffer sized for the payload. */
    private ByteBuf frameHeader(int firstByte, int length) {
        ByteBuf buf = channel.alloc().buffer(length + 14);
        buf.writeByte(firstByte);
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
        byte[] first = protocol.firstRequest();
        ByteBuf request = ctx.alloc().buffer(first.length);
        request.writeBytes(first);
        ctx.writeAndFlush(request, ctx.voidPromise());
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!handshaken && !handshake(ctx, in)) {
            return;
        }
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
            protocol.webSocketOpened(this);
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
                case 2 -> protocol.onBinary(this, payload, payload.readerIndex(), payload.readableBytes(), System.nanoTime());
                case 8 -> {
                    ctx.close();
                    return;
                }
                case 9 -> { // ping: pong with the same payload
                    ByteBuf pong = ctx.alloc().buffer(payload.readableBytes() + 6);
                    pong.writeByte(0x8a).writeByte(0x80 | payload.readableBytes()).writeInt(0).writeBytes(payload);
                    ctx.writeAndFlush(pong, ctx.voidPromise());
                }
                default -> { // pong frames: not used by the contract
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
        protocol.onText(this, c, c.readerIndex(), c.readableBytes(), System.nanoTime());
    }

    /**
     * 0.9: reads the handshake's answer ({@code 200} with a body) and requests the upgrade.
     *
     * @return whether the handshake is done (the answer was complete and good)
     */
    private boolean handshake(ChannelHandlerContext ctx, ByteBuf in) {
        int end = headerEnd(in);
        if (end < 0) {
            if (in.readableBytes() > 8192) {
                fail(ctx, "oversized handshake response");
            }
            return false;
        }
        String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 200")) {
            fail(ctx, "handshake refused: " + head.lines().findFirst().orElse(""));
            return false;
        }
        int length = contentLength(head);
        if (length < 0 || length > 4096) {
            fail(ctx, "handshake without a usable Content-Length");
            return false;
        }
        int bodyStart = end + HEADER_END.length;
        if (in.writerIndex() - bodyStart < length) {
            return false;
        }
        String body = in.toString(bodyStart, length, StandardCharsets.UTF_8);
        in.readerIndex(bodyStart + length);
        byte[] upgrade;
        try {
            upgrade = protocol.upgradeAfterHandshake(body);
        } catch (IllegalArgumentException e) {
            fail(ctx, e.getMessage());
            return false;
        }
        handshaken = true;
        ByteBuf request = ctx.alloc().buffer(upgrade.length);
        request.writeBytes(upgrade);
        ctx.writeAndFlush(request, ctx.voidPromise());
        return true;
    }

    /** @return the Content-Length of an HTTP head, or -1. */
    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                try {
                    return Integer.parseInt(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    // ---- what the protocol reports ----

    /** The main namespace is connected. */
    void ready() {
        if (!ready) {
            ready = true;
            listener.onReady(this);
        }
    }

    /** An ack for the event with {@code id} (-1: not parsable, ignored). */
    void ack(long id, long now) {
        int slot = acks.ack(id);
        if (slot >= 0) {
            listener.onAck(this, id, acks.sentNanos(slot), now);
        }
    }

    /** An event from the server; {@code packet} is the whole packet. */
    void event(ByteBuf packet, long now) {
        listener.onEvent(this, packet, now);
    }

    /** Sends {@code ping} every {@code intervalMillis} until the connection closes. */
    void startPings(long intervalMillis, byte[] ping) {
        if (pings == null) {
            pings = channel.eventLoop().scheduleAtFixedRate(() -> send(ping), intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Closes the connection, reporting why. */
    void fail(String why) {
        reportClosed(why);
        close();
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        reportClosed(why);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pings != null) {
            pings.cancel(false);
        }
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
