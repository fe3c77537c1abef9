package io.windsock.examples;

import io.windsock.Windsock;
import io.windsock.server.WindsockOptions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The smallest Windsock server: a client's {@code hello} is answered with {@code thanks} (one object)
 * and {@code hello} (two arguments), and acknowledged.
 *
 * <pre>
 * const socket = io("http://localhost:8001");
 * socket.emit("hello", "Joes", (reply) => console.log(reply));
 * socket.on("thanks", (msg) => console.log(msg.name));
 * </pre>
 */
public final class HelloServer {
    private HelloServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.getInteger("port", 8001);
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(port).build())
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("hello", (eventArgs, ack) -> {
                    Object name = eventArgs.isEmpty() ? null : eventArgs.get(0);
                    if (name instanceof Map<?, ?> named) {
                        name = named.get("name");
                    }
                    socket.emit("thanks", Map.of("name", String.valueOf(name)));
                    socket.emit("hello", name, "foobar");
                    ack.send("ok");
                })))
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "windsock-shutdown"));
        System.out.println("Windsock is listening on http://localhost:" + server.port() + "/socket.io/ (Ctrl-C stops it)");
        stopped.await();
    }
}
