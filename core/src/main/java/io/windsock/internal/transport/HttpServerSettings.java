package io.windsock.internal.transport;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;

/**
 * The connection-level settings of the HTTP server: request timeouts, the connection cap, TLS and
 * the WebSocket origin check. See the setters of {@code WindsockOptions.Builder} for their meaning.
 *
 * @param headersTimeout       a request's headers, from its first byte (a new connection's from its opening)
 * @param requestTimeout       a whole request, from its first byte
 * @param keepAliveTimeout     idle between two requests
 * @param maxConnections       connections open at once; {@link Integer#MAX_VALUE} for no cap
 * @param sslContext           the server TLS context, or {@code null} for plain HTTP
 * @param checkWebSocketOrigin whether cross-origin WebSockets are refused unless CORS allows their origin
 * @param transports           the Netty transports to try, best first (the first available is used; NIO if none)
 */
public record HttpServerSettings(Duration headersTimeout, Duration requestTimeout, Duration keepAliveTimeout,
                                 int maxConnections, SslContext sslContext, boolean checkWebSocketOrigin,
                                 List<NettyTransport> transports) {
    public HttpServerSettings {
        transports = List.copyOf(transports);
    }


    /** The defaults of {@code WindsockOptions}, with no cap on connections (for tests of other parts). */
    public static final HttpServerSettings DEFAULTS = new HttpServerSettings(Duration.ofSeconds(60),
            Duration.ofSeconds(300), Duration.ofSeconds(5), Integer.MAX_VALUE, null, true,
            List.of(NettyTransport.EPOLL, NettyTransport.NIO));
}
