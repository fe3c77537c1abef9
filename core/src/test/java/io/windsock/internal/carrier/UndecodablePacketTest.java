package io.windsock.internal.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.engine.EngineOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.ManualScheduler;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.DisconnectReason;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A decoder that throws what it did not foresee: the packet is a decode error, not an escaped exception. */
class UndecodablePacketTest {
    @Test
    void aRuntimeExceptionFromADecoderIsAParseErrorForTheClient() {
        SocketDialect.Decoder throwing = new SocketDialect.Decoder() {
            @Override
            public SocketPacket text(String frame) {
                throw new IllegalArgumentException("not foreseen");
            }

            @Override
            public SocketPacket binary(byte[] frame) {
                throw new IllegalStateException("not foreseen either");
            }

            @Override
            public void reset() {
            }
        };
        SocketDialect base = new SocketDialectV5(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);
        SocketDialect dialect = (SocketDialect) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SocketDialect.class}, (proxy, method, args) -> {
                    if (method.getName().equals("newDecoder")) {
                        return throwing;
                    }
                    try {
                        return method.invoke(base, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        EngineTransport transport = new EngineTransport() {
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
            }

            @Override
            public void close() {
            }

            @Override
            public void discard() {
            }
        };
        EngineSession session = new EngineServer(EngineOptions.DEFAULT, s -> { }).open(
                new EngineRequest("GET", "/socket.io/", Map.of(), Map.of(), null, false), EngineCodecV4.INSTANCE,
                transport, new ManualScheduler());
        List<String> seen = new ArrayList<>();
        new EngineCarrier(session, dialect).start(new Carrier.Listener() {
            @Override
            public void onPacket(SocketPacket packet, long wireBytes) {
                seen.add("packet");
            }

            @Override
            public void onDecodeError(SocketDecodeException error) {
                seen.add(error.reason() + ": " + error.getMessage());
            }

            @Override
            public void onClose(DisconnectReason reason) {
            }
        });
        session.onPacket(transport, EnginePacket.message("40"));
        session.onPacket(transport, EnginePacket.message(new byte[] {1}));
        assertEquals(List.of("INVALID_PAYLOAD: undecodable packet (IllegalArgumentException)",
                "INVALID_PAYLOAD: undecodable packet (IllegalStateException)"), seen);
    }
}
