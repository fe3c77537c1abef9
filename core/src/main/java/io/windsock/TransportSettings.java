package io.windsock;

import io.windsock.internal.transport.ClientBundle;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.NettyTransport;
import io.windsock.internal.transport.ProtocolRoute;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.IoTransport;
import io.windsock.server.WindsockOptions;
import java.util.List;

/**
 * Turns the server's options into the network layer's settings. Here, at the top, so that the
 * network layer does not depend on the options of the layers above it.
 */
final class TransportSettings {
    private TransportSettings() {
    }

    /** The transports tried for a choice, best first; NIO always last. */
    static List<NettyTransport> transports(IoTransport choice) {
        return switch (choice) {
            // epoll before io_uring: see docs/benchmarks.md ("Native transports").
            case AUTO, EPOLL -> List.of(NettyTransport.EPOLL, NettyTransport.NIO);
            case IO_URING -> List.of(NettyTransport.IO_URING, NettyTransport.EPOLL, NettyTransport.NIO);
            case NIO -> List.of(NettyTransport.NIO);
        };
    }

    /** The public name of a transport in use. */
    static IoTransport choice(NettyTransport inUse) {
        return switch (inUse) {
            case IO_URING -> IoTransport.IO_URING;
            case EPOLL -> IoTransport.EPOLL;
            case NIO -> IoTransport.NIO;
        };
    }

    static TransportConfig of(WindsockOptions options, HttpFallback pages, ClientBundle clientBundle) {
        return of(options, pages, clientBundle, null);
    }

    /** With {@code legacy}, the Socket.IO 0.9 front end, or {@code null} when protocol 1 is off. */
    static TransportConfig of(WindsockOptions options, HttpFallback pages, ClientBundle clientBundle,
                              ProtocolRoute legacy) {
        HttpServerSettings server = new HttpServerSettings(options.headersTimeout(), options.requestTimeout(),
                options.keepAliveTimeout(), options.maxConnections(), options.sslContext(),
                options.checkWebSocketOrigin(), transports(options.ioTransport()));
        return new TransportConfig(options.path(), options.engine(), options.cors(), options.allowRequest(),
                options.perMessageDeflate(), options.httpCompression(), pages, clientBundle, server, legacy,
                options.connectionErrors());
    }
}
