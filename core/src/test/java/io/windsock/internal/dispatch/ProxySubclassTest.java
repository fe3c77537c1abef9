package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.testing.V4TestClient;
import io.windsock.Windsock;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.NonBlocking;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.server.NonBlockingAware;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A container's subclass proxy (CGLIB, ByteBuddy) declares a delegating override of every method,
 * {@code onEvent} and {@code onMessage} included. Served as {@code serve(ns, Chat.class, factory)},
 * the hooks of {@code Chat} decide the dispatch: its handlers run (through the proxy's overrides),
 * {@code @Event("message")} gets the message events, and per-method {@code @NonBlocking} holds.
 */
class ProxySubclassTest {
    public static class Chat extends SocketConnection {
        @Event("message")
        public String message(String text) {
            return "got " + text;
        }

        @Event
        @NonBlocking
        public String echo(String text) {
            return Thread.currentThread().getName();
        }

        @Event
        public String load(String key) {
            return Thread.currentThread().getName();
        }
    }

    /** What a subclass proxy declares: overrides that only delegate, the hooks' among them. */
    public static class ChatProxy extends Chat {
        final List<String> through = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
            return super.onEvent(name, args, kwargs);
        }

        @Override
        protected void onMessage(Object message) throws Exception {
            super.onMessage(message);
        }

        @Override
        public String message(String text) {
            through.add("message");
            return super.message(text);
        }

        @Override
        public String echo(String text) {
            through.add("echo");
            return super.echo(text);
        }

        @Override
        public String load(String key) {
            through.add("load");
            return super.load(key);
        }
    }

    /** The same without a message handler: there a message is an unknown event, not swallowed by onMessage. */
    public static class Quiet extends SocketConnection {
        @Event
        @NonBlocking
        public String echo(String text) {
            return text;
        }
    }

    public static class QuietProxy extends Quiet {
        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
            return super.onEvent(name, args, kwargs);
        }

        @Override
        protected void onMessage(Object message) throws Exception {
            super.onMessage(message);
        }
    }

    /** Serves a namespace with {@code type} and this factory, then lets a fake socket join it. */
    private static <T extends SocketConnection> Fixtures.FakeSocket joined(Class<T> type,
                                                                          java.util.function.Supplier<? extends T> factory)
            throws Exception {
        Namespace ns = RegistrationNamespace.named("/chat");
        Connections.serve(ns, type, factory);
        Fixtures.FakeSocket fake = new Fixtures.FakeSocket();
        fake.namespace = ns;
        ConnectionInstaller.served(ns).admit(fake.socket);
        fake.connected = true;
        fake.runTasks();
        return fake;
    }

    private static List<Object> fire(Fixtures.FakeSocket fake, String event, String args) throws Exception {
        Fixtures.RecordingAck ack = new Fixtures.RecordingAck(true);
        fake.fallback.onEvent(event, Fixtures.json(args), ack);
        fake.runTasks();
        return ack.only();
    }

    @Test
    void theServedClassesHooksDecideTheDispatch() throws Exception {
        ChatProxy[] made = new ChatProxy[1];
        Fixtures.FakeSocket fake = joined(Chat.class, () -> made[0] = new ChatProxy());
        assertEquals(List.of("got hi"), fire(fake, "message", "[\"hi\"]"));
        fire(fake, "load", "[\"k\"]");
        assertEquals(List.of("message", "load"), made[0].through, "through the proxy's overrides");
        NonBlockingAware threads = (NonBlockingAware) fake.fallback;
        assertTrue(threads.isNonBlocking("echo"));
        assertFalse(threads.isNonBlocking("load"));
        assertFalse(threads.isNonBlocking("message"));
    }

    @Test
    void aMessageWithoutAHandlerIsAnUnknownEventNotSwallowed() throws Exception {
        Fixtures.FakeSocket fake = joined(Quiet.class, QuietProxy::new);
        assertEquals(List.of(Map.of("error", "unknown_event", "message", "unknown event 'message'")),
                fire(fake, "message", "[\"hi\"]"));
        assertTrue(((NonBlockingAware) fake.fallback).isNonBlocking("echo"));
    }

    /** The builder's class-named form takes connection options as the factory-only form does. */
    @Test
    void theClassNamedFormTakesConnectionOptions() throws Exception {
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).build())
                .connections("/", Chat.class, ChatProxy::new, ConnectionOptions.builder().lenientConversion(true).build())
                .build().start();
        try {
            BlockingQueue<String> packets = new LinkedBlockingQueue<>();
            V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port(), packets::add);
            client.send("421[\"message\",5]"); // a number for a String: a bad event unless lenient
            assertEquals("431[\"got 5\"]", packets.poll(10, TimeUnit.SECONDS));
            client.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void onARealServerTheNonBlockingHandlerReachesTheLoopAndTheOtherStaysOnThePool() throws Exception {
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .connections("/", Chat.class, ChatProxy::new)
                .build().start();
        try {
            BlockingQueue<String> packets = new LinkedBlockingQueue<>();
            V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port(), packets::add);
            client.send("420[\"message\",\"hi\"]");
            assertEquals("430[\"got hi\"]", packets.poll(10, TimeUnit.SECONDS));
            client.send("421[\"load\",\"k\"]");
            String loadThread = packets.poll(10, TimeUnit.SECONDS);
            assertTrue(loadThread != null && loadThread.startsWith("431[\"windsock-handler-"), loadThread);
            // One at a time: an echo runs on the loop once nothing of the socket is left on the pool
            // (right after connecting, onOpen's tail may still be there), and from then on every time.
            boolean onLoop = false;
            for (int n = 2; n < 50; n++) {
                client.send("42" + n + "[\"echo\",\"e\"]");
                String ack = packets.poll(10, TimeUnit.SECONDS);
                assertTrue(ack != null && ack.startsWith("43" + n + "[\""), ack);
                boolean loop = !ack.startsWith("43" + n + "[\"windsock-handler-");
                assertFalse(onLoop && !loop, "back on the pool after running on the loop: " + ack);
                onLoop |= loop;
            }
            assertTrue(onLoop, "the non-blocking handler never ran on the event loop");
            client.close();
        } finally {
            server.stop();
        }
    }
}
