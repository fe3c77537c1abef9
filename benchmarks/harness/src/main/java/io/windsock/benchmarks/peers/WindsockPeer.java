package io.windsock.benchmarks.peers;

import io.windsock.Windsock;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.server.EventListener;
import io.windsock.server.IoTransport;
import io.windsock.server.Parser;
import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark contract on Windsock with its default options except compression (off on both
 * transports): {@code echo(x)} acks {@code x}; {@code join(room)} joins the room and acks;
 * {@code bcast(room, x)} sends {@code msg(x)} to everyone in the room (the sender included) and acks.
 *
 * <p>Usage: {@code WindsockPeer <port> [--inline-handlers | --virtual-threads] [--non-blocking] [--transport nio|epoll|io_uring]
 * [--redis URI --key PREFIX [--streams]] [--protocol1] [--msgpack]}. {@code --transport} sets {@code ioTransport} (default: auto). With
 * {@code --inline-handlers} the handlers run on the network thread ({@code handlerExecutor(Runnable::run)},
 * the documented opt-in for handlers that never block) instead of the default handler pool: the
 * difference is the cost of the thread hand-off. With {@code --virtual-threads} (Java 21+) they run on
 * {@code Executors.newVirtualThreadPerTaskExecutor()} instead of the default pool. With
 * {@code --non-blocking} the echo listener is declared non-blocking ({@code EventListener.nonBlocking}):
 * it runs on the network thread, the other listeners on the executor. With {@code --redis} the node joins a cluster through
 * the Redis adapter (channel prefix {@code --key}, default {@code socket.io}), and opens its port only
 * once both Redis connections are up; with {@code --streams} through the streams adapter instead, on the stream
 * named by the prefix. {@code --protocol1} also serves Socket.IO 0.9 clients
 * ({@code protocol1(Protocol1Options.DEFAULT)}: websocket, xhr-polling, htmlfile); off otherwise, so the
 * other scenarios measure the default configuration. Engine.IO v3 clients are served by default. With
 * {@code --msgpack} the Engine.IO clients speak socket.io-msgpack-parser's packets ({@code parser(Parser.MSGPACK)}).
 */
public final class WindsockPeer {
    private WindsockPeer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> flags = Arrays.asList(args);
        boolean inline = flags.contains("--inline-handlers");
        String redis = value(flags, "--redis");
        WindsockOptions.Builder options = WindsockOptions.builder()
                .host("127.0.0.1")
                .port(port)
                .perMessageDeflate(false)
                .httpCompression(false);
        if (flags.contains("--msgpack")) {
            options.parser(Parser.MSGPACK);
        }
        if (flags.contains("--protocol1")) {
            options.protocol1(Protocol1Options.DEFAULT);
        }
        if (inline) {
            options.handlerExecutor(Runnable::run);
        }
        boolean virtual = flags.contains("--virtual-threads");
        boolean nonBlocking = flags.contains("--non-blocking");
        if (virtual) {
            // Java 21+; looked up by reflection so that the harness still builds for Java 17.
            options.handlerExecutor((java.util.concurrent.Executor)
                    java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null));
        }
        String transport = value(flags, "--transport");
        if (transport != null) {
            options.ioTransport(IoTransport.valueOf(transport.toUpperCase(java.util.Locale.ROOT)));
        }
        Windsock.Builder builder = Windsock.builder();
        if (redis != null) {
            String key = value(flags, "--key");
            RedisAdapterFactory.Builder adapter = RedisAdapterFactory.builder().uri(redis).key(key == null ? "socket.io" : key);
            if (flags.contains("--streams")) {
                adapter.streams().streamName(key == null ? "socket.io" : key);
            }
            RedisAdapterFactory factory = adapter.build();
            factory.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
            builder.adapter(factory);
        }
        Windsock server = builder.options(options.build()).build();
        server.of("/").onConnection(socket -> {
            EventListener echo = (arguments, ack) -> ack.send(arguments.toArray());
            socket.on("echo", nonBlocking ? EventListener.nonBlocking(echo) : echo);
            socket.on("join", (arguments, ack) -> {
                socket.join(String.valueOf(arguments.get(0)));
                ack.send();
            });
            socket.on("bcast", (arguments, ack) -> {
                server.to(String.valueOf(arguments.get(0))).emit("msg", arguments.get(1));
                ack.send();
            });
        });
        server.start();
        if (transport != null && !server.ioTransport().name().equalsIgnoreCase(transport)) {
            // Windsock falls back from a transport whose library is missing: measuring that would
            // measure another transport under this one's name.
            System.err.println("asked for transport " + transport + " but runs on " + server.ioTransport());
            server.stop();
            System.exit(1);
        }
        System.out.println("windsock listening on " + server.port() + (inline ? " (inline handlers)" : "")
                + (virtual ? " (virtual-thread handlers)" : "")
                + (nonBlocking ? " (echo non-blocking)" : "")
                + " (transport " + server.ioTransport() + ")"
                + (redis == null ? "" : " (Redis adapter on " + redis + ")")
                + (flags.contains("--protocol1") ? " (protocol 1 on)" : "")
                + (flags.contains("--msgpack") ? " (msgpack parser)" : ""));
        new CountDownLatch(1).await();
    }

    private static String value(List<String> flags, String name) {
        int i = flags.indexOf(name);
        return i >= 0 && i + 1 < flags.size() ? flags.get(i + 1) : null;
    }
}
