package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.server.Ack;
import io.windsock.server.CatchAllListener;
import io.windsock.server.DisconnectReason;
import io.windsock.server.ErrorHandler;
import io.windsock.server.Handshake;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Test doubles for dispatch: a recording socket (a dynamic proxy, so it keeps compiling as
 * {@link Socket} grows), a recording ack and error hook, and incoming arguments from literal JSON
 * decoded exactly as the server decodes packets.
 */
final class Fixtures {
    static final JacksonJsonCodec CODEC = new JacksonJsonCodec();
    static final ObjectMapper MAPPER = CODEC.mapper();

    private Fixtures() {
    }

    /** @return the event arguments a client sends as this JSON array, e.g. {@code [1, 2, {"a": 10}]}. */
    @SuppressWarnings("unchecked")
    static List<Object> json(String array) {
        try {
            return (List<Object>) CODEC.read(array);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param token the value of the query parameter {@code token} */
    static Handshake handshake(String token) {
        EngineRequest request = new EngineRequest("GET", "/socket.io/?EIO=4&transport=polling&token=" + token,
                Map.of("token", List.of(token)), Map.of("cookie", List.of("sid=abc")),
                new InetSocketAddress("127.0.0.1", 4000), false);
        return new Handshake(request, Map.of("user", "joe"), Instant.now());
    }

    record Emitted(String event, List<Object> args) {
    }

    record Reported(String event, Throwable error) {
    }

    /** An ack that records what was sent; only the first send counts, as in the server. */
    static final class RecordingAck implements Ack {
        final boolean requested;
        final List<List<Object>> sent = new ArrayList<>();

        RecordingAck(boolean requested) {
            this.requested = requested;
        }

        @Override
        public boolean requested() {
            return requested;
        }

        @Override
        public synchronized void send(Object... args) {
            sent.add(Arrays.asList(args));
        }

        synchronized List<Object> only() {
            if (sent.size() != 1) {
                throw new AssertionError("expected one ack, got " + sent);
            }
            return sent.get(0);
        }
    }

    /** A socket that records emits and disconnects; its executor runs tasks only when told to. */
    static final class FakeSocket {
        final List<Emitted> emitted = new ArrayList<>();
        final List<Boolean> disconnects = new ArrayList<>();
        final Queue<Runnable> tasks = new ArrayDeque<>();
        final Map<String, Object> data = new ConcurrentHashMap<>();
        final Handshake handshake = handshake("t1");
        CatchAllListener fallback;
        Consumer<DisconnectReason> onDisconnect;
        boolean connected;
        final Socket socket;

        Namespace namespace;

        FakeSocket() {
            Executor executor = tasks::add;
            InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
                case "id" -> "sock1";
                case "namespace" -> namespace;
                case "handshake" -> handshake;
                case "isConnected" -> connected;
                case "recovered" -> false;
                case "data" -> data;
                case "executor" -> executor;
                case "fallback" -> {
                    fallback = (CatchAllListener) args[0];
                    yield proxy;
                }
                case "onDisconnect" -> {
                    @SuppressWarnings("unchecked")
                    Consumer<DisconnectReason> listener = (Consumer<DisconnectReason>) args[0];
                    onDisconnect = listener;
                    yield proxy;
                }
                case "emit" -> {
                    if (connected) {
                        emitted.add(new Emitted((String) args[0], Arrays.asList((Object[]) args[1])));
                    }
                    yield null;
                }
                case "emitWithAck" -> {
                    emitted.add(new Emitted((String) args[1], Arrays.asList((Object[]) args[2])));
                    yield connected ? CompletableFuture.completedFuture(List.of("acked"))
                            : CompletableFuture.failedFuture(new IllegalStateException("disconnected"));
                }
                case "disconnect" -> {
                    disconnects.add(args == null ? Boolean.FALSE : (Boolean) args[0]);
                    yield null;
                }
                case "toString" -> "FakeSocket";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> {
                    if (method.isDefault()) {
                        yield InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new UnsupportedOperationException(method.getName());
                }
            };
            socket = (Socket) Proxy.newProxyInstance(Socket.class.getClassLoader(), new Class<?>[]{Socket.class}, handler);
        }

        void runTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    /** An error hook that records every report. */
    static final class RecordingErrors implements ErrorHandler {
        final List<Reported> reports = new ArrayList<>();

        @Override
        public synchronized void onError(Socket socket, String event, Throwable error) {
            reports.add(new Reported(event, error));
        }

        synchronized Reported only() {
            if (reports.size() != 1) {
                throw new AssertionError("expected one report, got " + reports);
            }
            return reports.get(0);
        }
    }

    /** One connection on a fake socket, opened and connected, ready for events. */
    static final class Wired<C extends SocketConnection> {
        final C connection;
        final FakeSocket fake = new FakeSocket();
        final RecordingErrors errors = new RecordingErrors();
        final ConnectionDriver driver;

        Wired(C connection) {
            this(connection, ConnectionOptions.DEFAULT);
        }

        Wired(C connection, ConnectionOptions options) {
            this(connection, options, MAPPER);
        }

        /** With the server's mapper being this one. */
        Wired(C connection, ConnectionOptions options, ObjectMapper mapper) {
            this.connection = connection;
            @SuppressWarnings("unchecked")
            Class<? extends SocketConnection> type = (Class<? extends SocketConnection>) connection.getClass();
            driver = new ConnectionDriver(connection, fake.socket, ConnectionType.of(type), mapper, errors, options);
        }

        /** Runs onOpen as the middleware does, then connects (as the namespace would) and runs pending tasks. */
        Wired<C> open() throws Exception {
            driver.open();
            fake.connected = true;
            fake.runTasks();
            return this;
        }

        /** Delivers an event as the socket would (its fallback), with or without an ack asked. */
        RecordingAck fire(String event, String jsonArgs, boolean ackRequested) {
            RecordingAck ack = new RecordingAck(ackRequested);
            try {
                fake.fallback.onEvent(event, json(jsonArgs), ack);
            } catch (Exception e) {
                throw new AssertionError("the fallback listener must not throw", e);
            }
            fake.runTasks(); // what the socket's executor does next (a completed future's ack)
            return ack;
        }

        RecordingAck fire(String event, String jsonArgs) {
            return fire(event, jsonArgs, true);
        }

        /** Delivers an event with these decoded arguments (binary as {@code byte[]}), asking for an ack. */
        RecordingAck fire(String event, List<Object> args) {
            RecordingAck ack = new RecordingAck(true);
            try {
                fake.fallback.onEvent(event, args, ack);
            } catch (Exception e) {
                throw new AssertionError("the fallback listener must not throw", e);
            }
            fake.runTasks();
            return ack;
        }
    }

    static Duration seconds(long n) {
        return Duration.ofSeconds(n);
    }

    /**
     * The class path for classes compiled during a test: the test class path, plus the module path
     * when the tests run patched into the io.windsock.core module (where core itself is).
     */
    static String compileClassPath() {
        String modules = System.getProperty("jdk.module.path");
        String classes = System.getProperty("java.class.path");
        return modules == null || modules.isEmpty() ? classes : classes + java.io.File.pathSeparator + modules;
    }

}
