package io.windsock.internal.sio1;

import io.windsock.engine.AllowRequest;
import io.windsock.server.Protocol1Options;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A protocol-1 route, for tests of the HTTP server outside this package:
 * sessions that accept every handshake, ignore what the client sends, and keep why they closed.
 *
 * @param route    to hand the server's transport configuration as its legacy route
 * @param sessions the route's session table
 */
public record Sio1TestRoute(Sio1Http route, Sio1Server sessions) {
    /**
     * @param path   the server's path (the 0.9 handshake is {@code <path>1/})
     * @param closed counted down once {@code reason} holds why a session closed
     */
    public static Sio1TestRoute keepingCloseReason(String path, AtomicReference<String> reason, CountDownLatch closed) {
        Sio1Server sessions = new Sio1Server(new Sio1Settings(Protocol1Options.DEFAULT, 1 << 20, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                }

                @Override
                public void onClose(Sio1Session s, String why) {
                    reason.set(why);
                    closed.countDown();
                }
            });
            verdict.complete(null);
        });
        return new Sio1TestRoute(new Sio1Http(sessions, path, null, true, AllowRequest.ALL, 100_000), sessions);
    }
}
