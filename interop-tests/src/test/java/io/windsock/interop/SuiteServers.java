package io.windsock.interop;

import io.windsock.EngineIoServer;
import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.Interop;
import io.windsock.server.ConnectError;
import io.windsock.engine.CorsOptions;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;

/**
 * The servers the official protocol suites expect (see their READMEs): a raw Engine.IO echo server
 * on {@code /engine.io/}, and a Socket.IO server on {@code /socket.io/} with {@code /} and
 * {@code /custom}. Both use a 300 ms ping interval and a 200 ms ping timeout.
 */
public final class SuiteServers {
    private SuiteServers() {
    }

    static WindsockOptions.Builder suiteOptions(int port, String path) {
        return WindsockOptions.builder().port(port).host("127.0.0.1").ioThreads(Interop.ioThreads()).path(path).cors(CorsOptions.anyOrigin())
                .engine(EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                        .pingTimeout(Duration.ofMillis(200)).maxHttpBufferSize(1_000_000).build());
    }

    public static EngineIoServer engineEcho(int port) {
        return new EngineIoServer(suiteOptions(port, "/engine.io/").build(), new EngineIoServer.Listener() {
            @Override
            public void onOpen(EngineIoServer.Connection connection) {
            }

            @Override
            public void onMessage(EngineIoServer.Connection connection, String text) {
                connection.send(text);
            }

            @Override
            public void onBinary(EngineIoServer.Connection connection, byte[] data) {
                connection.send(data);
            }

            @Override
            public void onClose(EngineIoServer.Connection connection, String reason) {
            }
        });
    }

    public static Windsock socketSuite(int port) {
        Windsock server = Windsock.builder().options(suiteOptions(port, "/socket.io/").build()).build();
        setUp(server.of("/"));
        setUp(server.of("/custom"));
        return server;
    }

    private static void setUp(Namespace namespace) {
        namespace.onConnection((Socket socket) -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
        });
    }

    /** Runs one of the servers until killed: {@code engine|socket [port]}. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        if ("engine".equals(args[0])) {
            engineEcho(port).start();
        } else {
            socketSuite(port).start();
        }
        System.out.println("listening on " + port);
        Thread.currentThread().join();
    }
}
