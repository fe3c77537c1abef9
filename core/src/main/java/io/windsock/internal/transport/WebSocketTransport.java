package io.windsock.internal.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.windsock.engine.EngineSession;
import io.windsock.engine.EngineTransport;
import io.windsock.engine.protocol.EngineCodec;
import io.windsock.engine.protocol.EngineDecodeException;
import io.windsock.engine.protocol.EnginePacket;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport: one Engine.IO packet per frame. It is also the channel's frame handler;
 * frames are handed to the session on the session's scheduler (the same thread unless the session
 * began on long-polling on another connection).
 */
final class WebSocketTransport extends SimpleChannelInboundHandler<WebSocketFrame> implements EngineTransport {
    private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);

    private final Channel channel;
    private final EngineCodec codec;
    private final WebSocketServerHandshaker handshaker;
    private volatile EngineSession session;
    private volatile boolean closing;

    WebSocketTransport(Channel channel, EngineCodec codec, WebSocketServerHandshaker handshaker) {
        this.channel = channel;
        this.codec = codec;
        this.handshaker = handshaker;
    }

    void bind(EngineSession session) {
        this.session = session;
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public boolean isWritable() {
        return !closing && channel.isActive();
    }

    /** Any thread: open and under Netty's write-buffer high-water mark. */
    @Override
    public boolean isWritableNow() {
        return !closing && channel.isWritable();
    }

    @Override
    public void send(List<EnginePacket> packets) {
        if (channel.eventLoop().inEventLoop()) {
            write(packets);
        } else {
            channel.eventLoop().execute(() -> write(packets));
        }
    }

    private void write(List<EnginePacket> packets) {
        if (closing) {
            return;
        }
        for (EnginePacket packet : packets) {
            WebSocketFrame frame = packet.isBinary()
                    ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeBinaryFrame(packet)))
                    : new TextWebSocketFrame(Unpooled.wrappedBuffer(packet.textFrameUtf8()));
            channel.write(frame, channel.voidPromise());
        }
        channel.flush();
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
            return;
        }
        closing = true;
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
        }
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
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            String data = text.text();
            deliver(() -> {
                try {
                    session.onPacket(this, codec.decodeText(data));
                } catch (EngineDecodeException e) {
                    session.onParseError(this, e.getMessage());
                }
            });
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            byte[] data = ByteBufUtil.getBytes(binary.content());
            deliver(() -> {
                try {
                    session.onPacket(this, codec.decodeBinaryFrame(data));
                } catch (EngineDecodeException e) {
                    session.onParseError(this, e.getMessage());
                }
            });
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            closing = true;
            handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        deliver(() -> session.onTransportClose(this));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("websocket error: {}", cause.toString());
        closing = true;
        deliver(() -> session.onTransportError(this, cause.toString()));
        if (cause instanceof TooLongFrameException && ctx.channel().isActive()) {
            // A message over the limit in several frames: close with 1009, as for one frame too large.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void deliver(Runnable task) {
        EngineSession s = session;
        if (s == null) {
            return;
        }
        if (s.scheduler().inThread()) {
            task.run();
        } else {
            s.scheduler().execute(task);
        }
    }
}
