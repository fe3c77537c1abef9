package io.windsock.benchmarks.peers;

import io.windsock.Windsock;
import io.windsock.server.WindsockOptions;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark contract on Windsock with its default options except compression (off on both
 * transports): {@code echo(x)} acks {@code x}; {@code join(room)} joins the room and acks;
 * {@code bcast(room, x)} sends {@code msg(x)} to everyone in the room (the sender included) and acks.
 *
 * <p>Usage: {@code WindsockPeer <port> [--inline-handlers]}. With {@code --inline-handlers} the
 * handlers run on the network thread ({@code handlerExecutor(Runnable::run)}, the documented opt-in
 * for handlers that never block) instead of the default handler pool: the difference is the cost of
 * the thread hand-off.
 */
public final class WindsockPeer {
    private WindsockPeer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        boolean inline = Arrays.asList(args).contains("--inline-handlers");
        WindsockOptions.Builder options = WindsockOptions.builder()
                .host("127.0.0.1")
                .port(port)
                .perMessageDeflate(false)
                .httpCompression(false);
        if (inline) {
            options.handlerExecutor(Runnable::run);
        }
        Windsock server = Windsock.builder().options(options.build()).build();
        server.of("/").onConnection(socket -> {
            socket.on("echo", (arguments, ack) -> ack.send(arguments.toArray()));
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
        System.out.println("windsock listening on " + server.port() + (inline ? " (inline handlers)" : ""));
        new CountDownLatch(1).await();
    }
}
