package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.InMemoryAdapter;
import io.windsock.adapter.PersistedSession;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import io.windsock.server.Rejection;
import io.windsock.server.WindsockOptions;
import io.windsock.internal.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A connection class under connection state recovery, on the socket layer: a recovered socket gets
 * back the instance its session had (fields intact), or a new one when that instance is gone, and
 * every handler answers; {@code onOpen} runs once per socket, recovered ones included.
 */
class ConnectionClassRecoveryTest {
    public static class Counter extends SocketConnection {
        final List<String> log = new ArrayList<>();
        int count;
        boolean refuse;
        Error failure;

        @Override
        protected boolean onOpen(Handshake handshake) {
            log.add("open recovered=" + socket().recovered());
            if (failure != null) {
                throw failure;
            }
            return !refuse;
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            log.add("close " + reason.wire());
        }

        @Event
        public int increment() {
            return ++count;
        }
    }

    private final MutableClock clock = new MutableClock();
    private final List<Counter> instances = new ArrayList<>();
    private final List<Throwable> reported = new ArrayList<>();
    private Error factoryFailure;
    private SocketLayer layer;

    private void start(boolean skipMiddlewares) {
        start(new ConnectionStateRecovery(Duration.ofMinutes(2), skipMiddlewares));
    }

    private void start(ConnectionStateRecovery recovery) {
        layer = SocketLayer.withAdapters(WindsockOptions.builder().connectionStateRecovery(recovery)
                        .errorHandler((socket, event, error) -> reported.add(error)).build(),
                ns -> new InMemoryAdapter(ns, clock));
        Connections.serve(layer.server.of("/"), () -> {
            if (factoryFailure != null) {
                throw factoryFailure;
            }
            Counter c = new Counter();
            instances.add(c);
            return c;
        });
        instances.clear(); // the probe made at registration
    }

    private static String auth(Map<String, Object> reply, String offset) {
        return "{\"pid\":\"" + reply.get("pid") + "\",\"offset\":\"" + offset + "\"}";
    }

    /** Connects, increments twice, gets an offset, drops; returns the auth to recover with. */
    private String connectCountAndDrop() {
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = Wire.connectReply(client.take().get(0));
        client.send("21[\"increment\"]");
        client.send("22[\"increment\"]");
        assertEquals(List.of("31[1]", "32[2]"), client.take());
        layer.server.of("/").emit("tick");
        List<Object> tick = Wire.event(client.take().get(0));
        client.drop();
        return auth(reply, (String) tick.get(tick.size() - 1));
    }

    private void recoversTheSameInstance(boolean skipMiddlewares) {
        start(skipMiddlewares);
        String auth = connectCountAndDrop();
        Counter first = instances.get(0);

        SocketLayer.TestClient again = layer.connect("/", auth);
        List<String> got = again.take();
        assertTrue(got.get(0).startsWith("0{\"sid\":"), got::toString);
        again.send("23[\"increment\"]");
        assertEquals(List.of("33[3]"), again.take(), "the same instance, its field intact, answers");
        assertEquals(1, instances.size(), "no new instance");
        assertSame(first, instances.get(0));
        assertEquals(List.of("open recovered=false", "close transport close", "open recovered=true"), first.log);
        assertTrue(first.socket().recovered());
    }

    @Test
    void aRecoveredSocketGetsItsInstanceBackWhenMiddlewaresAreSkipped() {
        recoversTheSameInstance(true);
    }

    @Test
    void aRecoveredSocketGetsItsInstanceBackWhenMiddlewaresRun() {
        recoversTheSameInstance(false);
    }

    @Test
    void withoutAKeptInstanceARecoveredSocketGetsANewOneThatKnows() {
        start(true);
        String realAuth = connectCountAndDrop();
        String offset = realAuth.substring(realAuth.indexOf("\"offset\":\"") + 10, realAuth.length() - 2);
        // A session persisted elsewhere (another node of a cluster): this server has no instance for it.
        layer.server.of("/").adapter().persistSession(new PersistedSession("ghost", "ghost-pid", Set.of("room"), Map.of()));

        SocketLayer.TestClient again = layer.connect("/", auth(Map.of("pid", "ghost-pid"), offset));
        assertTrue(again.take().get(0).startsWith("0{\"sid\":\"ghost\""));
        again.send("21[\"increment\"]");
        assertEquals(List.of("31[1]"), again.take(), "a new instance answers");
        assertEquals(2, instances.size());
        assertEquals(List.of("open recovered=true"), instances.get(1).log);
    }

    @Test
    void atTheSessionBoundTheOldestKeptInstanceGoesWithItsSession() {
        start(ConnectionStateRecovery.defaults().withMaxPersistedSessions(1));
        String authA = connectCountAndDrop();
        String sidA = instances.get(0).socket().id();
        connectCountAndDrop(); // B: its session and instance push out A's
        String offsetA = authA.substring(authA.indexOf("\"offset\":\"") + 10, authA.length() - 2);
        assertTrue(layer.connect("/", authA).take().get(0).startsWith("0{\"sid\":") && instances.size() == 3,
                "A's session is gone: a new socket and instance");

        // A session for A's id again (as another node would persist it): A's old instance is not kept any more.
        layer.server.of("/").adapter().persistSession(new PersistedSession(sidA, "pid-again", Set.of(), Map.of()));
        SocketLayer.TestClient again = layer.connect("/", auth(Map.of("pid", "pid-again"), offsetA));
        assertTrue(again.take().get(0).startsWith("0{\"sid\":\"" + sidA + "\""));
        assertEquals(4, instances.size(), "a new instance: the oldest kept one was dropped at the bound");
        assertEquals(List.of("open recovered=true"), instances.get(3).log);
    }

    @Test
    void aRefusalOnRecoveryWhenMiddlewaresAreSkippedMakesTheSocketLeave() {
        start(true);
        String auth = connectCountAndDrop();
        instances.get(0).log.clear();
        Counter first = instances.get(0);
        first.refuse = true;
        SocketLayer.TestClient again = layer.connect("/", auth);
        List<String> got = again.take();
        assertEquals(2, got.size(), got::toString);
        assertTrue(got.get(0).startsWith("0{\"sid\":"));
        assertEquals("1", got.get(1), "DISCONNECT: io server disconnect");
        assertTrue(layer.server.of("/").sockets().isEmpty());
    }

    @Test
    void anErrorFromOnOpenOnRecoveryWhenMiddlewaresAreSkippedMakesTheSocketLeave() {
        start(true);
        String auth = connectCountAndDrop();
        instances.get(0).failure = new AssertionError("bug in onOpen");
        SocketLayer.TestClient again = layer.connect("/", auth);
        List<String> got = again.take();
        assertEquals(2, got.size(), got::toString);
        assertTrue(got.get(0).startsWith("0{\"sid\":"));
        assertEquals("1", got.get(1), "DISCONNECT: io server disconnect, not a connected socket that hears nothing");
        assertTrue(layer.server.of("/").sockets().isEmpty());
        assertEquals(List.of(instances.get(0).failure), reported);
    }

    @Test
    void anErrorFromTheFactoryOnRecoveryWhenMiddlewaresAreSkippedMakesTheSocketLeave() {
        start(true);
        String realAuth = connectCountAndDrop();
        String offset = realAuth.substring(realAuth.indexOf("\"offset\":\"") + 10, realAuth.length() - 2);
        // A session without a kept instance here: the recovery asks the factory.
        layer.server.of("/").adapter().persistSession(new PersistedSession("ghost", "ghost-pid", Set.of(), Map.of()));
        factoryFailure = new NoClassDefFoundError("a class of the application");

        SocketLayer.TestClient again = layer.connect("/", auth(Map.of("pid", "ghost-pid"), offset));
        List<String> got = again.take();
        assertEquals(2, got.size(), got::toString);
        assertTrue(got.get(0).startsWith("0{\"sid\":\"ghost\""));
        assertEquals("1", got.get(1));
        assertTrue(layer.server.of("/").sockets().isEmpty());
        assertEquals(List.of(factoryFailure), reported);
    }

    /** Recovers with this auth after a refused try; the same instance answers, its count intact. */
    private void retryRecoversTheSameInstance(String auth) {
        SocketLayer.TestClient again = layer.connect("/", auth);
        assertTrue(again.take().get(0).startsWith("0{\"sid\":"));
        again.send("23[\"increment\"]");
        assertEquals(List.of("33[3]"), again.take(), "the same instance, its field intact, answers the retry");
        assertEquals(1, instances.size(), "no new instance");
        assertTrue(instances.get(0).socket().recovered());
    }

    @Test
    void aRecoveryItsOwnOnOpenRefusesKeepsTheInstanceForTheRetry() {
        start(false);
        String auth = connectCountAndDrop();
        Counter first = instances.get(0);
        first.refuse = true;
        List<String> refused = layer.connect("/", auth).take();
        assertEquals(List.of("4{\"message\":\"connection refused\"}"), refused);

        first.refuse = false;
        retryRecoversTheSameInstance(auth);
        assertEquals(List.of("open recovered=false", "close transport close", "open recovered=true",
                "open recovered=true"), first.log);
    }

    @Test
    void aRecoveryALaterMiddlewareRefusesKeepsTheInstanceForTheRetry() {
        start(false);
        boolean[] refuse = {true};
        layer.server.of("/").use(socket -> {
            if (refuse[0]) {
                throw new Rejection("not now");
            }
        });
        String auth = connectCountAndDropPast(refuse);
        List<String> refused = layer.connect("/", auth).take();
        assertEquals(List.of("4{\"message\":\"not now\"}"), refused);

        refuse[0] = false;
        retryRecoversTheSameInstance(auth);
        assertEquals(List.of("open recovered=false", "close transport close", "open recovered=true",
                "close server namespace disconnect", "open recovered=true"), instances.get(0).log,
                "kept again after the onClose of the refused try");
    }

    @Test
    void aRecoveryWhoseClientDropsWhileItConnectsKeepsTheInstanceForTheNextTry() {
        start(false);
        SocketLayer.TestClient[] connecting = {null};
        layer.server.of("/").use(socket -> {
            if (connecting[0] != null) {
                connecting[0].drop(); // the connection is lost while the middlewares run
            }
        });
        String auth = connectCountAndDrop();
        connecting[0] = layer.open();
        connecting[0].send("0" + auth);
        assertEquals(List.of(), connecting[0].take(), "never connected");

        connecting[0] = null;
        retryRecoversTheSameInstance(auth);
        assertEquals(List.of("open recovered=false", "close transport close", "open recovered=true",
                "close transport close", "open recovered=true"), instances.get(0).log);
    }

    /** {@link #connectCountAndDrop()} with the refusing middleware passing meanwhile. */
    private String connectCountAndDropPast(boolean[] refuse) {
        refuse[0] = false;
        String auth = connectCountAndDrop();
        refuse[0] = true;
        return auth;
    }

    @Test
    void aVoluntaryLeaveKeepsNoInstance() {
        start(true);
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = Wire.connectReply(client.take().get(0));
        layer.server.of("/").emit("tick");
        List<Object> tick = Wire.event(client.take().get(0));
        client.send("1"); // the client leaves: not recoverable, so nothing to recover
        SocketLayer.TestClient again = layer.connect("/", auth(reply, (String) tick.get(1)));
        again.take();
        assertEquals(2, instances.size(), "a fresh connection, a fresh instance");
        assertEquals(List.of("open recovered=false"), instances.get(1).log);
    }
}
