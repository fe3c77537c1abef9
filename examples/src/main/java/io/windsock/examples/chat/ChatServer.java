package io.windsock.examples.chat;

import io.windsock.Windsock;
import io.windsock.server.WindsockOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The demo: a chat with rooms, presence, typing, acknowledged and private messages. One port serves
 * the page ({@code web/} beside this class), the socket.io browser client and the chat itself.
 *
 * <pre>
 * mvn -q -B -pl examples -am compile exec:java        # then open http://localhost:8001/
 * </pre>
 */
public final class ChatServer {
    private ChatServer() {
    }

    /** Starts the chat on a port (0 picks a free one); {@link Windsock#port()} tells which. */
    public static Windsock start(String host, int port) {
        Map<String, String> nicknames = new ConcurrentHashMap<>();  // shared by every connection
        return Windsock.builder()
                .options(WindsockOptions.builder().host(host).port(port).serveClient(true).build())
                .staticResources("/", "io/windsock/examples/chat/web")
                .connections("/", () -> new ChatConnection(nicknames))
                .build()
                .start();
    }

    public static void main(String[] args) throws InterruptedException {
        Windsock server = start("0.0.0.0", Integer.getInteger("port", 8001));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "windsock-shutdown"));
        System.out.println("Windsock chat is up: open http://localhost:" + server.port()
                + "/ in two browser windows (Ctrl-C stops it)");
        stopped.await();
    }
}
