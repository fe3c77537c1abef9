package io.windsock.benchmarks.jmh;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Broadcast fan-out through the whole server-side path, without sockets: {@code N} in-memory
 * clients (Engine.IO sessions on an inline scheduler, handlers inline) join one room, and each
 * operation is {@code server.to("room").emit("msg", x)} (on the Socket.IO layer under {@code Windsock}) with a 32-byte string, down to a Netty
 * {@link TextWebSocketFrame} per recipient built as the WebSocket transport builds it (then
 * released instead of written). Divide the time per operation by {@code clients} for the cost per
 * delivery without the kernel.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BroadcastBenchmark {
    @Param({"1000", "10000"})
    public int clients;

    private SocketIoServer server;
    private final String payload = Payloads.text(32);
    long delivered;

    @Setup(Level.Trial)
    public void setUp() {
        WindsockOptions options = WindsockOptions.builder().handlerExecutor(Runnable::run).build();
        // The Socket.IO layer under Windsock's facade (Windsock.to(room) is of("/").to(room)), so that
        // sessions can be opened in memory.
        server = new SocketIoServer(options, Runnable::run);
        server.of("/").onConnection(socket -> socket.join("room"));
        EngineServer engine = new EngineServer(options.engine(), server::onEngineConnection);
        EngineRequest request = new EngineRequest("GET", "/socket.io/?EIO=4&transport=websocket", Map.of(),
                Map.of(), new InetSocketAddress("127.0.0.1", 40000), false);
        for (int i = 0; i < clients; i++) {
            FrameBuildingTransport transport = new FrameBuildingTransport(this);
            EngineSession session = engine.open(request, EngineCodecV4.INSTANCE, transport, InlineScheduler.INSTANCE);
            session.onPacket(transport, EnginePacket.message("0")); // Socket.IO CONNECT to "/"
        }
        delivered = 0;
        server.of("/").to("room").emit("msg", payload);
        if (delivered < clients) {
            throw new IllegalStateException("only " + delivered + " of " + clients + " clients got the broadcast");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.shutdown();
        server.closeAdapters();
    }

    @Benchmark
    public long broadcast() {
        server.of("/").to("room").emit("msg", payload);
        return delivered;
    }

    /** Runs everything at once on the caller's thread; timers never fire. */
    private static final class InlineScheduler implements EngineScheduler {
        static final InlineScheduler INSTANCE = new InlineScheduler();

        @Override
        public boolean inThread() {
            return true;
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            return Cancellable.NONE;
        }

        @Override
        public void execute(Runnable command) {
            command.run();
        }
    }

    /** Builds the frame the WebSocket transport would write for each text packet, then drops it. */
    private static final class FrameBuildingTransport implements EngineTransport {
        private final BroadcastBenchmark owner;

        FrameBuildingTransport(BroadcastBenchmark owner) {
            this.owner = owner;
        }

        @Override
        public TransportKind kind() {
            return TransportKind.WEBSOCKET;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void send(List<EnginePacket> packets) {
            for (EnginePacket packet : packets) {
                if (!packet.isBinary()) {
                    WebSocketFrame frame = new TextWebSocketFrame(EngineCodecV4.INSTANCE.encodeText(packet));
                    frame.release();
                    owner.delivered++;
                }
            }
        }

        @Override
        public void close() {
        }

        @Override
        public void discard() {
        }
    }

    static {
        ByteBufAllocator.DEFAULT.buffer().release(); // initialise Netty's allocator outside the measurement
    }
}
