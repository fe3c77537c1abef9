package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Ack;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A return type the server's mapper writes only with a module it lacks ({@code Optional} without
 * Jdk8Module) fails registration, as such a parameter type does, rather than answering every ack
 * with an internal error.
 */
class SerializableReturnsTest {
    public static class Finds<T> extends SocketConnection {
        @Event
        public T found() {
            return null;
        }
    }

    public static class ReturnsModuleTypes extends Finds<Optional<Integer>> {
        @Event
        public Optional<String> find() {
            return Optional.of("x");
        }

        @Event
        public OptionalInt count() {
            return OptionalInt.of(1);
        }

        @Event
        public CompletionStage<Optional<String>> later() {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Event
        public CompletableFuture<List<Optional<String>>> laterAll() {
            return CompletableFuture.completedFuture(List.of());
        }

        @Event
        public java.time.LocalDate today() {
            return null;
        }
    }

    /** Nothing here is written by the mapper as an Optional, or its type is unknown until it runs. */
    public static class ReturnsWritableTypes extends SocketConnection {
        @Event
        public void take(Optional<String> name, Ack ack) { // an Optional parameter is Windsock's own business
            ack.send(name.orElse("none"));
        }

        @Event
        public Object anything() {
            return Optional.of("x"); // unknowable at registration: Jackson reports it on the value
        }

        @Event
        public CompletionStage<?> someStage() {
            return CompletableFuture.completedFuture(null);
        }

        @Event
        public CompletableFuture<Void> done() {
            return CompletableFuture.completedFuture(null);
        }

        @Event
        public List<String> names() {
            return List.of();
        }
    }

    @Test
    void aReturnTypeThatNeedsAModuleTheMapperLacksFailsRegistrationNamingHandlerTypeAndModule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionInstaller.install(
                RegistrationNamespace.named("/test"), ReturnsModuleTypes.class, ReturnsModuleTypes::new, ConnectionOptions.DEFAULT));
        String message = e.getMessage();
        assertTrue(message.contains("ReturnsModuleTypes.find(): returns Optional<String>: Optional needs a Jackson"
                + " module the server's mapper lacks"), message);
        assertTrue(message.contains("com.fasterxml.jackson.datatype:jackson-datatype-jdk8"), message);
        assertTrue(message.contains("ReturnsModuleTypes.count(): returns OptionalInt: OptionalInt needs"), message);
        assertTrue(message.contains("ReturnsModuleTypes.later(): returns CompletionStage<Optional<String>>: Optional"
                + " needs"), message);
        assertTrue(message.contains("ReturnsModuleTypes.laterAll(): returns CompletableFuture<List<Optional<String>>>:"
                + " Optional needs"), message);
        assertTrue(message.contains("ReturnsModuleTypes.today(): returns LocalDate: LocalDate needs"), message);
        assertTrue(message.contains("jackson-datatype-jsr310"), message);
        assertTrue(message.contains("Finds.found(): returns Optional<Integer>: Optional needs"), message);
        assertEquals(6, message.split("\n  - ").length - 1, message);
    }

    @Test
    void returnTypesTheMapperCanWriteOrCannotKnowPassRegistration() {
        ConnectionInstaller.install(RegistrationNamespace.named("/test"), ReturnsWritableTypes.class, ReturnsWritableTypes::new,
                ConnectionOptions.DEFAULT);
    }

    @Test
    void aMapperWithAModuleForTheTypeAcceptsIt() {
        @SuppressWarnings({"rawtypes", "unchecked"})
        StdSerializer<Optional> optional = new StdSerializer<>(Optional.class) {
            @Override
            public void serialize(Optional value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                provider.defaultSerializeValue(value.orElse(null), gen);
            }
        };
        ObjectMapper mapper = new ObjectMapper().registerModule(new SimpleModule().addSerializer(optional));
        ConnectionType type = ConnectionType.of(ReturnsModuleTypes.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> type.requireMapperSupport(ReturnsModuleTypes.class, mapper));
        // Only the types the module does not cover are left.
        assertTrue(e.getMessage().contains("OptionalInt needs"), e.getMessage());
        assertTrue(e.getMessage().contains("LocalDate needs"), e.getMessage());
        assertTrue(!e.getMessage().contains("Optional needs"), e.getMessage());
    }
}
