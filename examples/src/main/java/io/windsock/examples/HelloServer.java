package io.windsock.examples;

import io.windsock.Windsock;
import io.windsock.connection.Args;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.util.concurrent.CountDownLatch;

/**
 * The smallest Windsock server: a client's {@code hello} is answered with {@code thanks} (one object)
 * and {@code hello} (two arguments), and acknowledged with {@code "ok"}.
 *
 * <pre>
 * const socket = io("http://localhost:8001");
 * socket.emit("hello", "Joes", (reply) => console.log(reply));    // "ok"
 * socket.on("thanks", (msg) => console.log(msg.name));            // "Joes"
 * socket.on("hello", (name, extra) => console.log(name, extra));  // "Joes" "foobar"
 * </pre>
 *
 * Run it with {@code mvn -q -B -pl examples -am compile exec:java -Ddemo.main=io.windsock.examples.HelloServer}.
 */
public final class HelloServer {
    private HelloServer() {
    }

    /** One client's connection to the namespace; fields would hold its state. */
    public static class HelloConnection extends SocketConnection {
        @Event                                              // the event "hello", from the method's name
        public String hello(String name) {                  // emit("hello", "Joes") or emit("hello", {name: "Joes"})
            emit("thanks", Args.named("name", name));       // the client receives one object {name: "Joes"}
            emit("hello", name, "foobar");                  // the client receives two arguments
            return "ok";                                    // the acknowledgement
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Windsock server = Windsock.builder()
                .port(Integer.getInteger("port", 8001))
                .connections("/", HelloConnection::new)
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
