package io.windsock.benchmarks.soak;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.windsock.Windsock;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.engine.EngineOptions;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import io.windsock.server.Protocol1Options;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.io.File;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server of the soak: the default options but shorter timers (ping every 5 s, 5 s to answer;
 * recovery window 20 s, so that what clients leave behind ends within a minute), Socket.IO 0.9 on, and
 * connection state recovery on "/" and "/chat". Its connection class does what an application does:
 * rooms, acks both ways, broadcasts, binary, a handler that blocks a little. The "/admin" namespace
 * answers {@code stats(gc)} with the server's counters and the process's resources (heap after a
 * collection when {@code gc} is true, threads, direct memory, file descriptors), which the driver
 * ({@code benchmarks/node/soak-driver.js}) compares before and after the churn.
 *
 * <p>Usage: {@code SoakServer <port> [--redis URI [--key PREFIX] [--sharded | --streams]]}. With {@code --redis}
 * the node joins a cluster through the Redis adapter (channel prefix {@code --key}, default {@code socket.io};
 * {@code --sharded}: the sharded adapter, one channel per room), as the soak's two nodes do; connection
 * state recovery stays on, each node keeping its own sessions (a client reconnects to the same node); with
 * {@code --streams} the streams adapter on the stream named by the prefix, which keeps the sessions and the
 * events in Redis.
 */
public final class SoakServer {
    static final AtomicLong opened = new AtomicLong();
    static final AtomicLong closed = new AtomicLong();
    static final AtomicLong recovered = new AtomicLong();
    static final AtomicLong refused = new AtomicLong();
    static final AtomicLong answers = new AtomicLong();
    static final AtomicLong answerFailures = new AtomicLong();
    static volatile Windsock server;

    private SoakServer() {
    }

    /** One client on "/" or "/chat". */
    public static final class SoakConnection extends SocketConnection {
        @Override
        protected boolean onOpen(Handshake handshake) {
            if ("refuse".equals(handshake.query("mode"))) {
                refused.incrementAndGet();
                return false;
            }
            if (socket().recovered()) {
                recovered.incrementAndGet();
            } else {
                opened.incrementAndGet();
            }
            return true;
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            closed.incrementAndGet();
        }

        @Event
        public String join(String room) {
            joinRoom(room);
            return room;
        }

        @Event
        public void leave(String room) {
            leaveRoom(room);
        }

        @Event
        public Object echo(Object value) {
            return value;
        }

        @Event
        public byte[] bin(byte[] data) {
            return data;
        }

        @Event
        public int shout(String room, String text) {
            to(room).emit("msg", text);
            return text.length();
        }

        @Event
        public void slow(int millis) throws InterruptedException {
            Thread.sleep(Math.min(200, Math.max(0, millis)));
        }

        /** The server asks the client a question with an ack of its own, and tells it the answer. */
        @Event
        public void ask() {
            int n = ThreadLocalRandom.current().nextInt(1000);
            emitWithAck(Duration.ofSeconds(5), "question", n).whenComplete((reply, failure) -> {
                if (failure == null) {
                    answers.incrementAndGet();
                    emit("answer", reply.isEmpty() ? null : reply.get(0));
                } else {
                    answerFailures.incrementAndGet();
                }
            });
        }
    }

    /** The driver's window into the server. */
    public static final class AdminConnection extends SocketConnection {
        @Event
        public Map<String, Object> stats(boolean gc) {
            return sample(gc);
        }
    }

    static Map<String, Object> sample(boolean gc) {
        if (gc) {
            System.gc();
            System.gc();
        }
        ServerStats stats = server.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engineSessions", stats.engineSessions());
        out.put("peakEngineSessions", stats.peakEngineSessions());
        out.put("sockets", stats.sockets());
        out.put("peakSockets", stats.peakSockets());
        out.put("queuedEvents", stats.queuedEvents());
        out.put("pausedConnections", stats.pausedConnections());
        out.put("queueLimitDisconnects", stats.queueLimitDisconnects());
        out.put("connectionsOpened", opened.get());
        out.put("connectionsRecovered", recovered.get());
        out.put("connectionsClosed", closed.get());
        out.put("refused", refused.get());
        out.put("serverAcks", answers.get());
        out.put("serverAckFailures", answerFailures.get());
        Runtime runtime = Runtime.getRuntime();
        out.put("heapUsedMB", round((runtime.totalMemory() - runtime.freeMemory()) / 1048576.0));
        out.put("heapCommittedMB", round(runtime.totalMemory() / 1048576.0));
        out.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        ByteBufAllocatorMetric netty = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        out.put("nettyDirectMB", round(netty.usedDirectMemory() / 1048576.0));
        out.put("nettyHeapMB", round(netty.usedHeapMemory() / 1048576.0));
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                out.put("jdkDirectBuffers", pool.getCount());
                out.put("jdkDirectMB", round(pool.getMemoryUsed() / 1048576.0));
            }
        }
        String[] fds = new File("/proc/self/fd").list();
        out.put("fds", fds == null ? -1 : fds.length);
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> flags = Arrays.asList(args);
        ConnectionStateRecovery recovery = new ConnectionStateRecovery(Duration.ofSeconds(20), false);
        WindsockOptions options = WindsockOptions.builder()
                .host("127.0.0.1")
                .port(port)
                .engine(EngineOptions.builder()
                        .pingInterval(Duration.ofSeconds(5))
                        .pingTimeout(Duration.ofSeconds(5))
                        .build())
                .protocol1(Protocol1Options.DEFAULT)
                .connectionStateRecovery("/", recovery)
                .connectionStateRecovery("/chat", recovery)
                .build();
        Windsock.Builder builder = Windsock.builder();
        int redis = flags.indexOf("--redis");
        if (redis > 0) {
            int key = flags.indexOf("--key");
            RedisAdapterFactory.Builder factory = RedisAdapterFactory.builder().uri(flags.get(redis + 1))
                    .key(key > 0 ? flags.get(key + 1) : "socket.io");
            if (flags.contains("--sharded")) {
                factory.sharded(SubscriptionMode.DYNAMIC);
            }
            if (flags.contains("--streams")) {
                factory.streams().streamName(key > 0 ? flags.get(key + 1) : "socket.io");
            }
            RedisAdapterFactory adapter = factory.build();
            adapter.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
            builder.adapter(adapter);
        }
        server = builder
                .options(options)
                .connections("/", SoakConnection::new)
                .connections("/chat", SoakConnection::new)
                .connections("/admin", AdminConnection::new)
                .build();
        server.start();
        System.out.println("soak server listening on " + port + (redis > 0 ? " (Redis adapter)" : ""));
    }
}
