package io.windsock.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.server.ClientError;
import io.windsock.server.Parser;
import io.windsock.server.Protocol1Options;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import io.windsock.testing.CapturedStderr;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile input of every protocol generation on every transport: seeded mutations of valid messages (see
 * {@link WireMutator}) sent over many sessions of one server that has plain listeners, a connection class
 * with typed handlers, rooms and dynamic namespaces. Whatever the server makes of each message (an event, an
 * error, a closed connection), it must stay whole: no exception of its own (only clients' errors reach the
 * error handler, no stack trace in the log, no leaked buffer: see LeakCheck), a client beside the fuzzing ones
 * still served, and once the fuzzing clients are gone, no session, socket or queued event left.
 */
class WireFuzzTest {
    /**
     * Fuzzing sessions per transport, and messages (or polling requests) per session at most. A longer hunt:
     * {@code -Dwindsock.fuzz.sessions=2000 -Dwindsock.fuzz.seed=N} (each seed gives other inputs).
     */
    private static final int SESSIONS = Integer.getInteger("windsock.fuzz.sessions", 40);
    private static final long SEED = Long.getLong("windsock.fuzz.seed", 17);
    private static final int MESSAGES_PER_SESSION = 15;
    static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Queue<Throwable> serverErrors = new ConcurrentLinkedQueue<>();
    private Windsock server;

    /** The connection class of "/chat": typed parameters, named and positional binding, rooms, binary. */
    public static class Chat extends SocketConnection {
        public record Post(String text, int n, List<String> tags) {
        }

        @Event
        public String greet(String name, int age) {
            return name + age;
        }

        @Event
        public long add(long a, long b) {
            return a + b;
        }

        @Event
        public Post post(Post post) {
            return post;
        }

        @Event
        public void join(String room) {
            if (room != null) { // null is refused by joinRoom: the application's checks are not under test
                joinRoom(room);
            }
        }

        @Event
        public void shout(String room, String text) {
            if (room != null) {
                to(room).emit("shout", text);
            }
        }

        @Event
        public byte[] blob(byte[] first, byte[] second) {
            return second;
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(FuzzTarget.class)
    void theServerStaysWholeUnderMutatedInput(FuzzTarget target) throws Exception {
        server = start();
        BlockingQueue<String> neighbourPackets = new LinkedBlockingQueue<>();
        V4TestClient neighbour = V4TestClient.connect(http, server.port(), neighbourPackets::add);
        WireMutator mutator = new WireMutator(target.ordinal() * 7919L + SEED);
        List<FuzzSession> sessions = new ArrayList<>();
        int sent = 0;
        for (int s = 0; s < SESSIONS; s++) {
            FuzzSession session = target.open(http, server.port(), mutator);
            sessions.add(session);
            int messages = 1 + mutator.below(MESSAGES_PER_SESSION);
            for (int m = 0; m < messages && session.sendNext(); m++) {
                sent++;
            }
        }

        // The neighbour is still served: an event with an ack, on the same event loops.
        neighbour.send("42[\"join\",\"lobby\"]");
        neighbour.send("4299[\"echo\",\"still here\"]");
        assertEquals("4399[\"still here\"]", nextOtherThan(neighbourPackets, "42[\"shout\""));
        for (FuzzSession session : sessions) {
            session.close();
        }
        assertNothingLeft(server);
        neighbour.close();

        System.out.printf("%s, seed %d: %d messages over %d sessions, %d clients' errors reported%n", target, SEED,
                sent, SESSIONS, serverErrors.size());
        assertOnlyClientsErrors(serverErrors, stderr);
    }

    /**
     * Once the fuzzing sessions are gone (closed, or expired by the short timeouts of {@link #start}), only the
     * neighbour's session and socket are left, no event is queued, and no room kept a socket that left.
     */
    static void assertNothingLeft(Windsock server) {
        Await.until(() -> {
            ServerStats now = server.stats();
            return now.engineSessions() == 1 && now.sockets() == 1 && now.queuedEvents() == 0;
        }, WAIT, () -> "only the neighbour's session and socket left, no event queued: " + server.stats());
        // "/" holds the neighbour's own room and the lobby it joined
        assertEquals(Set.of(), ((NamespaceImpl) server.of("/chat")).adapter().rooms(), "rooms of /chat");
        Set<String> rooms = ((NamespaceImpl) server.of("/")).adapter().rooms();
        assertTrue(rooms.size() == 2 && rooms.contains("lobby"), "rooms of /: " + rooms);
    }

    /** Only clients' errors reached the error handler, and no exception is in the log. */
    static void assertOnlyClientsErrors(Queue<Throwable> serverErrors, CapturedStderr stderr) {
        List<Throwable> ownErrors = serverErrors.stream().filter(e -> !(e instanceof ClientError)).toList();
        assertTrue(ownErrors.isEmpty(), "only clients' errors reach the error handler: " + ownErrors);
        List<String> traces = stderr.lines().stream().filter(l -> l.startsWith("\tat ") || l.contains("Exception"))
                .toList();
        assertTrue(traces.isEmpty(), "no exception in the log:\n" + String.join("\n", stderr.lines()));
    }

    private Windsock start() {
        return start(Parser.DEFAULT, serverErrors);
    }

    /** The server under fuzzing: "/" with plain listeners, "/chat" the connection class, dynamic "/dyn-N". */
    static Windsock start(Parser parser, Queue<Throwable> serverErrors) {
        WindsockOptions options = WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2).parser(parser)
                // Short, so that sessions left without their client expire soon; the neighbour answers pings.
                .engine(EngineOptions.builder().pingInterval(Duration.ofMillis(500))
                        .pingTimeout(Duration.ofMillis(1000)).build())
                .protocol1(Protocol1Options.builder().heartbeatInterval(Duration.ofMillis(300))
                        .clientTimeout(Duration.ofMillis(300)).pollTimeout(Duration.ofMillis(200))
                        .sessionExpiry(Duration.ofMillis(300)).build())
                .maxDynamicNamespaces(3)
                .errorHandler((socket, event, error) -> serverErrors.add(error))
                .build();
        Windsock windsock = Windsock.builder().options(options).connections("/chat", Chat::new).build();
        windsock.of("/").onConnection(socket -> {
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.on("join", (args, ack) -> socket.join(String.valueOf(args.isEmpty() ? "" : args.get(0))));
            socket.on("shout", (args, ack) -> socket.to(String.valueOf(args.isEmpty() ? "" : args.get(0)))
                    .emit("shout", args.size() > 1 ? args.get(1) : null));
        });
        windsock.of(Pattern.compile("^/dyn-\\d+$")).onConnection(socket -> socket.on("echo",
                (args, ack) -> ack.send(args.toArray())));
        return windsock.start();
    }

    /** @return the next packet that does not start with {@code skipped} (a broadcast the fuzzing clients made) */
    private static String nextOtherThan(BlockingQueue<String> packets, String skipped) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String packet = packets.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (packet == null || !packet.startsWith(skipped)) {
                return packet;
            }
        }
    }
}
