package io.windsock.internal.server;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * The Socket.IO layer without a network, for tests: a {@link SocketIoServer} whose handlers run inline
 * on the test thread, Engine.IO sessions on a manual scheduler, and clients that write Socket.IO
 * packets as text and read what the server sent. Everything runs on the calling thread, in order.
 */
final class SocketLayer {
    final SocketIoServer server;
    final EngineServer engine;
    final Scheduler scheduler = new Scheduler();

    SocketLayer(WindsockOptions options) {
        this(options, Runnable::run);
    }

    /** With handlers on this executor (e.g. a queue the test runs by hand). */
    SocketLayer(WindsockOptions options, java.util.concurrent.Executor handlers) {
        this(options, handlers, System::nanoTime);
    }

    /** With the statistics' rates on this clock. */
    SocketLayer(WindsockOptions options, java.util.concurrent.Executor handlers,
                java.util.function.LongSupplier nanoClock) {
        this(options, io.windsock.adapter.InMemoryAdapter::new, handlers, nanoClock);
    }

    /** With namespaces' adapters from this factory. */
    static SocketLayer withAdapters(WindsockOptions options, io.windsock.adapter.AdapterFactory adapters) {
        return new SocketLayer(options, adapters, Runnable::run, System::nanoTime);
    }

    SocketLayer(WindsockOptions options, io.windsock.adapter.AdapterFactory adapters,
                java.util.concurrent.Executor handlers, java.util.function.LongSupplier nanoClock) {
        server = new SocketIoServer(options, adapters, handlers, nanoClock);
        engine = new EngineServer(options.engine(), server::onEngineConnection);
    }

    /** Opens an Engine.IO session on a WebSocket-like transport; no namespace joined yet. */
    TestClient open() {
        Transport transport = new Transport();
        EngineRequest request = new EngineRequest("GET", "/socket.io/?EIO=4&transport=websocket",
                Map.of("EIO", List.of("4"), "transport", List.of("websocket")), Map.of(),
                new InetSocketAddress("127.0.0.1", 5000), false);
        EngineSession session = engine.open(request, EngineCodecV4.INSTANCE, transport, scheduler);
        TestClient client = new TestClient(session, transport);
        client.take(); // the OPEN packet
        return client;
    }

    /** Opens a session and joins a namespace with this CONNECT payload (JSON, or null); the reply is not taken. */
    TestClient connect(String namespace, String auth) {
        TestClient client = open();
        client.send("0" + ("/".equals(namespace) ? "" : namespace + ",") + (auth == null ? "" : auth));
        return client;
    }

    /** @return the server's socket with this id in a namespace. */
    Socket socket(String namespace, String id) {
        return server.of(namespace).socket(id).orElseThrow(() -> new AssertionError("no socket " + id));
    }

    /** A client: sends text packets, collects the Engine.IO messages the server sent. */
    static final class TestClient {
        final EngineSession session;
        final Transport transport;

        TestClient(EngineSession session, Transport transport) {
            this.session = session;
            this.transport = transport;
        }

        /** The client sends one Socket.IO packet, e.g. {@code 42["hi"]}. */
        void send(String socketIoPacket) {
            session.onPacket(transport, EnginePacket.message(socketIoPacket));
        }

        /** @return the Socket.IO packets (text messages) sent since the last take; pings left out. */
        List<String> take() {
            List<String> texts = new ArrayList<>();
            for (EnginePacket packet : transport.sent) {
                if (packet.type() == EnginePacketType.MESSAGE && packet.text() != null) {
                    texts.add(packet.text());
                }
            }
            transport.sent.clear();
            return texts;
        }

        /** @return the raw Engine.IO packets sent since the last take (binary attachments included). */
        List<EnginePacket> takeRaw() {
            List<EnginePacket> packets = new ArrayList<>(transport.sent);
            transport.sent.clear();
            return packets;
        }

        /** The connection drops ("transport close"). */
        void drop() {
            transport.closed = true;
            session.onTransportClose(transport);
        }
    }

    /** A WebSocket-like transport that records what it is sent; writability is set by the test. */
    static final class Transport implements EngineTransport {
        final List<EnginePacket> sent = new ArrayList<>();
        volatile boolean writableNow = true;
        boolean closed;
        /** Set: takes nothing (a client that does not read), so what is sent stays in the session. */
        boolean stalled;
        /** Whether the session asked this transport to stop reading (flow control). */
        boolean readingSuspended;

        @Override
        public TransportKind kind() {
            return TransportKind.WEBSOCKET;
        }

        @Override
        public boolean isWritable() {
            return !closed && !stalled;
        }

        @Override
        public boolean isWritableNow() {
            return !closed && writableNow;
        }

        @Override
        public void send(List<EnginePacket> packets) {
            sent.addAll(packets);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void discard() {
        }

        @Override
        public void setReadingSuspended(boolean suspended) {
            readingSuspended = suspended;
        }
    }

    /**
     * A scheduler on the test thread: a task runs at once (after the one running, if any); timers run
     * when {@link #advance} moves the manual clock past them.
     */
    static final class Scheduler implements EngineScheduler {
        private final Queue<Runnable> queue = new ArrayDeque<>();
        private final PriorityQueue<Timer> timers =
                new PriorityQueue<>(Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq));
        private boolean running;
        private long now;
        private long seq;

        private record Timer(long due, long seq, Runnable task) {
        }

        @Override
        public boolean inThread() {
            return true;
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
            try {
                Runnable next;
                while ((next = queue.poll()) != null) {
                    next.run();
                }
            } finally {
                running = false;
            }
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            Timer timer = new Timer(now + unit.toMillis(delay), seq++, task);
            timers.add(timer);
            return () -> timers.remove(timer);
        }

        /** Moves the clock, running the timers that fall due, in order. */
        void advance(long millis) {
            long target = now + millis;
            Timer next;
            while ((next = timers.peek()) != null && next.due() <= target) {
                timers.poll();
                now = next.due();
                execute(next.task());
            }
            now = target;
        }
    }
}
