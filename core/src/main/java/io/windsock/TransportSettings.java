package io.windsock;

import io.windsock.internal.transport.ClientBundle;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.ProtocolRoute;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.WindsockOptions;

/**
 * Turns the server's options into the network layer's settings. Here, at the top, so that the
 * network layer does not depend on the options of the layers above it.
 */
final class TransportSettings {
    private TransportSettings() {
    }

    static TransportConfig of(WindsockOptions options, HttpFallback pages, ClientBundle clientBundle) {
        return of(options, pages, clientBundle, null);
    }

    /** With {@code legacy}, the Socket.IO 0.9 front end, or {@code null} when protocol 1 is off. */
    static TransportConfig of(WindsockOptions options, HttpFallback pages, ClientBundle clientBundle,
                              ProtocolRoute legacy) {
        HttpServerSettings server = new HttpServerSettings(options.headersTimeout(), options.requestTimeout(),
                options.keepAliveTimeout(), options.maxConnections(), options.sslContext(),
                options.checkWebSocketOrigin());
        return new TransportConfig(options.path(), options.engine(), options.cors(), options.allowRequest(),
                options.perMessageDeflate(), options.httpCompression(), pages, clientBundle, server, legacy);
    }
}
