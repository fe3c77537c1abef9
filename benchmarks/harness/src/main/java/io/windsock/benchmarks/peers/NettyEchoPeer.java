package io.windsock.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: a plain Netty WebSocket server that speaks only as much Engine.IO/Socket.IO as the
 * driver needs (OPEN, namespace CONNECT, and the {@code echo}/{@code join}/{@code bcast} contract)
 * by string surgery on the frame, with no JSON, no sessions, no heartbeat and no handler thread.
 * Each reply is one frame, flushed alone. No server is expected to beat it; it tells how much of a
 * peer's cost is the kernel and Netty's WebSocket codec. No permessage-deflate.
 *
 * <p>Usage: {@code NettyEchoPeer <port>}.
 */
public final class NettyEchoPeer {
    private static final String OPEN = "0{\"sid\":\"%s\",\"upgrades\":[],\"pingInterval\":25000,"
            + "\"pingTimeout\":20000,\"maxPayload\":1000000}";
    private static final AtomicLong IDS = new AtomicLong();
    private static final Map<String, ChannelGroup> ROOMS = new ConcurrentHashMap<>();

    private NettyEchoPeer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/socket.io/")
                .checkStartsWith(true)
                .allowExtensions(false)
                .maxFramePayloadLength(1_000_000)
                .build();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(ws), new Handler());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        System.out.println("netty-echo listening on " + port);
        server.closeFuture().sync();
    }

    private static final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame(String.format(OPEN, "s" + IDS.incrementAndGet())));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ByteBuf in = frame.content();
            String text = in.toString(StandardCharsets.UTF_8);
            if (text.equals("40")) {
                ctx.writeAndFlush(new TextWebSocketFrame("40{\"sid\":\"n" + IDS.incrementAndGet() + "\"}"));
                return;
            }
            if (!text.startsWith("42")) {
                return; // "3" (pong) and anything else: ignored
            }
            int bracket = text.indexOf('[');
            if (bracket < 0) {
                return;
            }
            String id = text.substring(2, bracket);
            String body = text.substring(bracket);
            if (body.startsWith("[\"echo\",")) {
                // 42<id>["echo",<x>] -> 43<id>[<x>]
                ctx.writeAndFlush(new TextWebSocketFrame("43" + id + "[" + body.substring(8)));
            } else if (body.startsWith("[\"join\",\"")) {
                String room = body.substring(9, body.indexOf('"', 9));
                ROOMS.computeIfAbsent(room, r -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE))
                        .add(ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame("43" + id + "[]"));
            } else if (body.startsWith("[\"bcast\",\"")) {
                // 42<id>["bcast","<room>",<x>] -> 42["msg",<x>] to the room, encoded once
                int roomEnd = body.indexOf('"', 10);
                String room = body.substring(10, roomEnd);
                ChannelGroup members = ROOMS.get(room);
                if (members != null) {
                    ByteBuf msg = ByteBufUtil.writeUtf8(ctx.alloc(), "42[\"msg\"," + body.substring(roomEnd + 2));
                    members.writeAndFlush(new TextWebSocketFrame(msg));
                }
                ctx.writeAndFlush(new TextWebSocketFrame("43" + id + "[]"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
