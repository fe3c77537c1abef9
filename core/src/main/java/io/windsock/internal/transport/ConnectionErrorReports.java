package io.windsock.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.windsock.engine.ConnectionError;
import io.windsock.engine.ConnectionErrorListener;
import io.windsock.internal.engine.EngineError;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import java.util.List;
import java.util.Map;

/**
 * Tells the application's {@link ConnectionErrorListener} of a refused Engine.IO request, on the network
 * thread that read it. Nothing is built for it when no listener is set (the default), so a flood of bad
 * requests costs what it cost before.
 */
final class ConnectionErrorReports {
    private static final RateLimitedLog failures = new RateLimitedLog(Loggers.TRANSPORT);

    private ConnectionErrorReports() {
    }

    /** @param detail which check refused the request, in words */
    static void report(ConnectionErrorListener listener, ChannelHandlerContext ctx, FullHttpRequest request,
                       EngineError error, String detail) {
        if (listener == ConnectionErrorListener.NONE) {
            return;
        }
        Map<String, List<String>> query;
        try {
            query = UriQuery.parameters(request.uri());
        } catch (IllegalArgumentException malformed) {
            query = Map.of(); // the refusal itself: a malformed escape
        }
        ConnectionError refused = new ConnectionError(error.code(), error.message(), detail,
                EngineHttpHandler.toEngineRequest(ctx, request, query));
        try {
            listener.onConnectionError(refused);
        } catch (RuntimeException e) {
            // The refusal is answered all the same: the listener only watches.
            failures.warn("listener", "the connection error listener failed on {}: {}", refused, e.toString());
        }
    }
}
