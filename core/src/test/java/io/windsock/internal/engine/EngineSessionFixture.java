package io.windsock.internal.engine;

import io.windsock.engine.EngineOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.codec.EngineCodec;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the session state machine tests share: a manual clock, a recording handler, a server to open sessions. */
abstract class EngineSessionFixture {
    static final EnginePacket A = EnginePacket.message("a");
    static final EnginePacket B = EnginePacket.message("b");
    static final EnginePacket C = EnginePacket.message("c");

    final ManualScheduler scheduler = new ManualScheduler();
    final RecordingHandler handler = new RecordingHandler();
    EngineServer server;

    /** Opens a session through a server with these options (one server per options object). */
    EngineSession open(EngineOptions options, FakeTransport transport) {
        return open(options, transport, EngineCodecV4.INSTANCE);
    }

    /** Opens a session of another Engine.IO revision. */
    EngineSession open(EngineOptions options, FakeTransport transport, EngineCodec codec) {
        if (server == null || server.options() != options) {
            server = new EngineServer(options, session -> {
                handler.connected.add(session);
                session.setHandler(handler);
            });
        }
        EngineSession session = server.open(request(transport.name()), codec, transport, scheduler);
        transport.bind(session);
        return session;
    }

    static EngineRequest request(String transport) {
        return new EngineRequest("GET", "/engine.io/?EIO=4&transport=" + transport,
                Map.of("EIO", List.of("4"), "transport", List.of(transport)), Map.of("host", List.of("localhost")),
                new InetSocketAddress("127.0.0.1", 40000), false);
    }

    static final class RecordingHandler implements EngineSession.Handler {
        final List<EngineSession> connected = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final List<byte[]> binaries = new ArrayList<>();
        final List<String> closeReasons = new ArrayList<>();

        @Override
        public void onMessage(EngineSession session, String text) {
            events.add("text:" + text);
        }

        @Override
        public void onBinary(EngineSession session, byte[] data) {
            events.add("binary:" + data.length);
            binaries.add(data);
        }

        @Override
        public void onClose(EngineSession session, String reason) {
            closeReasons.add(reason);
        }
    }
}
