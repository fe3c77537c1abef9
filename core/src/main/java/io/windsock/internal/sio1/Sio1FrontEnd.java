package io.windsock.internal.sio1;

import io.windsock.internal.engine.SessionLimit;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.internal.transport.ProtocolRoute;
import io.windsock.server.WindsockOptions;

/** Builds the protocol-1 front end of a server: sessions, the socket-layer link and the HTTP route. */
public final class Sio1FrontEnd {
    private Sio1FrontEnd() {
    }

    /** @return the route to hand the HTTP pipeline, or null when protocol 1 is off */
    public static ProtocolRoute create(WindsockOptions options, SocketIoServer sockets, SessionLimit sessionLimit) {
        if (options.protocol1() == null) {
            return null;
        }
        SocketDialectP1 dialect = new SocketDialectP1(sockets.json());
        Sio1Settings settings = new Sio1Settings(options.protocol1(), options.engine().maxPendingOutboundBytes(),
                options.engine().maxPacketsPerPayload());
        Sio1Server server = new Sio1Server(settings, (session, verdict) -> {
            Sio1Carrier carrier = new Sio1Carrier(session, dialect, verdict, sockets::isShuttingDown);
            session.start(carrier);
            sockets.onConnection(carrier);
        }, sessionLimit);
        return new Sio1Http(server, options.path(), options.cors(), options.checkWebSocketOrigin(),
                options.allowRequest(), options.engine().maxHttpBufferSize());
    }
}
