package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.windsock.Connections;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.server.WindsockOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * An abstract parameter type binds whenever the server's mapper can build it: a type Jackson has a
 * deserializer for ({@code ByteBuffer}, which binary maps to; {@code TimeZone}), or an interface the
 * application maps to a class through a module. Only a type the mapper cannot build fails, when the
 * namespace is served.
 */
class AbstractParameterTypesTest {
    public interface Greeting {
        String text();
    }

    public static class PlainGreeting implements Greeting {
        public String text;

        @Override
        public String text() {
            return text;
        }
    }

    public static class Buffers extends SocketConnection {
        @Event
        public int upload(ByteBuffer data) {
            return data.remaining() * 100 + data.get(0);
        }

        @Event
        public String zone(TimeZone zone) {
            return zone.getID();
        }
    }

    public static class Greeted extends SocketConnection {
        @Event
        public String greet(Greeting greeting) {
            return greeting.getClass().getSimpleName() + ":" + greeting.text();
        }
    }

    public static class TakesRunnable extends SocketConnection {
        @Event
        public void run(Runnable task) {
        }
    }

    /** @return a server (no network) whose mapper is this one */
    private static SocketIoServer server(ObjectMapper mapper) {
        return new SocketIoServer(WindsockOptions.builder().objectMapper(mapper).build(), Runnable::run);
    }

    private static ObjectMapper mapping() {
        SimpleModule module = new SimpleModule().addAbstractTypeMapping(Greeting.class, PlainGreeting.class);
        return new ObjectMapper().registerModule(module);
    }

    @Test
    void aByteBufferParameterReceivesBinary() throws Exception {
        Connections.serve(server(new ObjectMapper()).of("/"), Buffers::new); // registration passes
        Fixtures.Wired<Buffers> w = new Fixtures.Wired<>(new Buffers()).open();
        assertEquals(List.of(307), w.fire("upload", List.of((Object) new byte[]{7, 8, 9})).only());
        assertEquals(List.of("UTC"), w.fire("zone", "[\"UTC\"]").only());
        assertTrue(w.errors.reports.isEmpty(), w.errors.reports::toString);
    }

    @Test
    void anInterfaceTheMapperMapsToAClassBinds() throws Exception {
        ObjectMapper mapper = mapping();
        Connections.serve(server(mapper).of("/"), Greeted::new); // registration passes
        Fixtures.Wired<Greeted> w = new Fixtures.Wired<>(new Greeted(), ConnectionOptions.DEFAULT, mapper).open();
        assertEquals(List.of("PlainGreeting:hi"), w.fire("greet", "[{\"text\": \"hi\"}]").only());
        assertTrue(w.errors.reports.isEmpty(), w.errors.reports::toString);
    }

    @Test
    void aDynamicGroupChecksWithTheServersMapperToo() {
        SocketIoServer server = server(mapping());
        Connections.serve(server.of((name, auth) -> name.startsWith("/drawing-"), "/drawing-*"), Greeted::new);
        IllegalArgumentException noMapping = assertThrows(IllegalArgumentException.class,
                () -> Connections.serve(server(new ObjectMapper()).of((name, auth) -> true, "any"), Greeted::new));
        assertTrue(noMapping.getMessage().contains("AbstractParameterTypesTest.Greeting is an abstract type"),
                noMapping.getMessage());
    }

    @Test
    void anInterfaceTheMapperCannotBuildStillFailsRegistration() {
        IllegalArgumentException noMapping = assertThrows(IllegalArgumentException.class,
                () -> Connections.serve(server(new ObjectMapper()).of("/"), Greeted::new));
        assertTrue(noMapping.getMessage().contains("Greeted.greet(Greeting): parameter 1"
                + " (AbstractParameterTypesTest.Greeting greeting): AbstractParameterTypesTest.Greeting is an abstract"
                + " type Jackson cannot instantiate"), noMapping.getMessage());
        IllegalArgumentException runnable = assertThrows(IllegalArgumentException.class,
                () -> Connections.serve(server(mapping()).of("/"), TakesRunnable::new));
        assertTrue(runnable.getMessage().contains("Runnable is an abstract type"), runnable.getMessage());
    }
}
