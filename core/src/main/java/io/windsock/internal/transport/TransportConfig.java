package io.windsock.internal.transport;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.ConnectionErrorListener;
import io.windsock.engine.CorsOptions;
import io.windsock.engine.EngineOptions;

/**
 * What the network layer needs to know.
 *
 * @param path              the Engine.IO path, with leading and trailing slash ({@code /socket.io/})
 * @param engine            engine settings (limits, timeouts, transports)
 * @param cors              CORS settings, or {@code null} for none
 * @param allowRequest      the handshake/upgrade gate
 * @param perMessageDeflate whether WebSocket compression is negotiated
 * @param httpCompression   whether long-polling responses are gzip/deflate-compressed when the client accepts it
 * @param fallback          serves requests outside {@code path}
 * @param clientBundle      the socket.io browser client, served under {@code path} before Engine.IO sees the
 *                          request, or {@code null} (serveClient off)
 * @param server            timeouts, connection cap, TLS and the WebSocket origin check
 * @param legacy            the Socket.IO 0.9 front end under {@code path + "1/"}, or {@code null} (off)
 * @param connectionErrors  told of each refused Engine.IO request
 */
public record TransportConfig(String path, EngineOptions engine, CorsOptions cors, AllowRequest allowRequest,
                              boolean perMessageDeflate, boolean httpCompression, HttpFallback fallback,
                              ClientBundle clientBundle, HttpServerSettings server, ProtocolRoute legacy,
                              ConnectionErrorListener connectionErrors) {
    /** Reporting no refused request. */
    public TransportConfig(String path, EngineOptions engine, CorsOptions cors, AllowRequest allowRequest,
                           boolean perMessageDeflate, boolean httpCompression, HttpFallback fallback,
                           ClientBundle clientBundle, HttpServerSettings server, ProtocolRoute legacy) {
        this(path, engine, cors, allowRequest, perMessageDeflate, httpCompression, fallback, clientBundle, server, legacy,
                ConnectionErrorListener.NONE);
    }

    /** Without a legacy front end. */
    public TransportConfig(String path, EngineOptions engine, CorsOptions cors, AllowRequest allowRequest,
                           boolean perMessageDeflate, boolean httpCompression, HttpFallback fallback,
                           ClientBundle clientBundle, HttpServerSettings server) {
        this(path, engine, cors, allowRequest, perMessageDeflate, httpCompression, fallback, clientBundle, server, null);
    }

    /** With the default server settings. */
    public TransportConfig(String path, EngineOptions engine, CorsOptions cors, AllowRequest allowRequest,
                           boolean perMessageDeflate, boolean httpCompression, HttpFallback fallback,
                           ClientBundle clientBundle) {
        this(path, engine, cors, allowRequest, perMessageDeflate, httpCompression, fallback, clientBundle,
                HttpServerSettings.DEFAULTS);
    }

    /** Without the client bundle, with the default server settings. */
    public TransportConfig(String path, EngineOptions engine, CorsOptions cors, AllowRequest allowRequest,
                           boolean perMessageDeflate, boolean httpCompression, HttpFallback fallback) {
        this(path, engine, cors, allowRequest, perMessageDeflate, httpCompression, fallback, null);
    }
}
