package io.windsock.internal.sio1;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.windsock.internal.transport.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * The Flash socket policy server the flashsocket transport needs: on its own port, it reads the
 * 22 bytes of {@code <policy-file-request/>}, answers with the policy and a NUL, and closes; any
 * other first 22 bytes close the connection at once. Runs on the main server's event loops, its
 * connections counted against the main server's {@code maxConnections}.
 */
final class FlashPolicyServer {
    static final String REQUEST = "<policy-file-request/>";
    private static final int READ_TIMEOUT_SECONDS = 10;

    private Channel channel;

    /** The default policy: any domain may connect, to the Socket.IO server's port only. */
    static String defaultPolicy(int serverPort) {
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE cross-domain-policy SYSTEM \"/xml/dtds/cross-domain-policy.dtd\">\n"
                + "<cross-domain-policy>\n<site-control permitted-cross-domain-policies=\"master-only\"/>\n"
                + "<allow-access-from domain=\"*\" to-ports=\"" + serverPort + "\"/>\n</cross-domain-policy>\n";
    }

    /**
     * Binds the port; the policy is sent as UTF-8 followed by a NUL.
     *
     * @param admit counts a connection against the main server's {@code maxConnections}; false closes it
     * @throws java.io.UncheckedIOException when the port cannot be listened on ({@link HttpServer#listen})
     */
    void start(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> channelClass, String host,
               int port, String policy, Predicate<Channel> admit) throws InterruptedException {
        byte[] answer = (policy + "\0").getBytes(StandardCharsets.UTF_8);
        channel = HttpServer.listen(new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (!admit.test(ch)) {
                            ch.close();
                            return;
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), new Request(answer));
                    }
                }), host, port);
    }

    int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    void stop() {
        if (channel != null) {
            HttpServer.closeListening(channel);
        }
    }

    /** One connection: waits for exactly the request's bytes. */
    private static final class Request extends ByteToMessageDecoder {
        private final byte[] answer;

        Request(byte[] answer) {
            this.answer = answer;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < REQUEST.length()) {
                return;
            }
            String request = in.readCharSequence(REQUEST.length(), StandardCharsets.US_ASCII).toString();
            in.skipBytes(in.readableBytes());
            ctx.channel().config().setAutoRead(false);
            if (REQUEST.equals(request)) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a read timeout, or a reset
        }
    }
}
