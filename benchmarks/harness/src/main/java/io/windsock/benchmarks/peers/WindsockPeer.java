package io.windsock.benchmarks.peers;

import io.windsock.Windsock;
import io.windsock.server.WindsockOptions;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark contract on Windsock with its default options except compression (off on both
 * transports): {@code echo(x)} acks {@code x}.
 *
 * <p>Usage: {@code WindsockPeer <port>}.
 */
public final class WindsockPeer {
    private WindsockPeer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        WindsockOptions options = WindsockOptions.builder()
                .host("127.0.0.1")
                .port(port)
                .perMessageDeflate(false)
                .httpCompression(false)
                .build();
        Windsock server = Windsock.builder().options(options).build();
        server.of("/").onConnection(socket -> {
            socket.on("echo", (args2, ack) -> ack.send(args2.toArray()));
        });
        server.start();
        System.out.println("windsock listening on " + server.port());
        new CountDownLatch(1).await();
    }
}
