package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.windsock.Connections;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ConnectError;
import io.windsock.server.Handshake;
import io.windsock.server.WindsockOptions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a refused client is told: only a {@link ConnectError}'s text; any other exception from a
 * middleware or an on-open hook reaches the error hook in full and the client as "internal error".
 */
class ConnectRefusalTextTest {
    private static final String SECRET = "jdbc:postgresql://db.internal:5432/app?user=admin&password=hunter2";

    private final List<String> hooked = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder().errorHandler((socket, event, error) -> {
        hooked.add(event);
        errors.add(error);
    }).build());

    @Test
    void aMiddlewareExceptionSendsGenericTextAndReachesTheErrorHook() {
        IllegalStateException failure = new IllegalStateException("cannot connect to " + SECRET);
        layer.server.of("/").use(socket -> {
            throw failure;
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        assertEquals(List.of("4{\"message\":\"internal error\"}"), client.take());
        assertEquals(List.of("connection"), hooked);
        assertSame(failure, errors.get(0));
    }

    @Test
    void aCheckedExceptionAndAnErrorAreTreatedTheSame() {
        layer.server.of("/a").use(socket -> {
            throw new SQLException(SECRET);
        });
        layer.server.of("/b").use(socket -> {
            throw new AssertionError(SECRET);
        });
        assertEquals(List.of("4/a,{\"message\":\"internal error\"}"), layer.connect("/a", null).take());
        assertEquals(List.of("4/b,{\"message\":\"internal error\"}"), layer.connect("/b", null).take());
        assertEquals(2, errors.size());
    }

    @Test
    void aConnectErrorPassesThroughWithItsData() {
        layer.server.of("/").use(socket -> {
            throw new ConnectError("not authorized", Map.of("code", 401));
        });
        assertEquals(List.of("4{\"message\":\"not authorized\",\"data\":{\"code\":401}}"), layer.connect("/", null).take());
        assertEquals(List.of(), errors);
    }

    @Test
    void aConnectErrorWhoseDataCannotBeWrittenStillRefusesTheClientAndReachesTheErrorHook() {
        layer.server.of("/").use(socket -> {
            throw new ConnectError("not authorized", new Object()); // no JSON form: Jackson refuses an empty bean
        });
        Connections.serve(layer.server.of("/onopen"), UnwritableRefusal::new);
        SocketLayer.TestClient client = layer.connect("/", null);
        assertEquals(List.of("4{\"message\":\"internal error\"}"), client.take(), "the client is told, not left waiting");
        assertEquals(List.of("connection"), hooked);
        assertEquals(java.io.UncheckedIOException.class, errors.get(0).getClass());
        client.send("0/onopen,");
        assertEquals(List.of("4/onopen,{\"message\":\"internal error\"}"), client.take());
        assertEquals(2, errors.size());
        // The connection lives on: the client may join again.
        layer.server.of("/ok");
        client.send("0/ok,");
        assertEquals(1, client.take().size());
    }

    public static final class UnwritableRefusal extends SocketConnection {
        @Override
        protected boolean onOpen(Handshake handshake) {
            throw new ConnectError("not authorized", Map.of("since", new Object()));
        }
    }

    public static final class LeakyConnection extends SocketConnection {
        @Override
        protected boolean onOpen(Handshake handshake) throws Exception {
            throw new SQLException("login failed for " + SECRET);
        }
    }

    public static final class RefusingConnection extends SocketConnection {
        @Override
        protected boolean onOpen(Handshake handshake) {
            return false;
        }
    }

    @Test
    void anOnOpenExceptionSendsGenericTextButRefusingSaysSo() {
        Connections.serve(layer.server.of("/leaky"), LeakyConnection::new);
        Connections.serve(layer.server.of("/refusing"), RefusingConnection::new);
        assertEquals(List.of("4/leaky,{\"message\":\"internal error\"}"), layer.connect("/leaky", null).take());
        assertEquals(1, errors.size());
        assertEquals(SQLException.class, errors.get(0).getClass());
        assertEquals(List.of("4/refusing,{\"message\":\"connection refused\"}"), layer.connect("/refusing", null).take());
        assertEquals(1, errors.size());
    }
}
