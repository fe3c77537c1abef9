package io.windsock.internal.transport;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.windsock.engine.EngineOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.engine.ResponseHeaders;
import io.windsock.engine.ResponseHeadersListener;
import io.windsock.internal.log.Loggers;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The {@link EngineOptions#initialHeaders()} and {@link EngineOptions#headers()} listeners, applied
 * to a response's Netty headers in engine.io's order: the initial one first, on the response to a
 * request that opens a session, then the other. Immutable; the event loop writing the response.
 */
final class ResponseHeaderHooks {
    private static final Logger log = Loggers.TRANSPORT;
    /** What frames the response or the WebSocket: the server's alone. */
    private static final Set<String> MANAGED = Set.of("content-length", "transfer-encoding", "connection", "upgrade");

    private final ResponseHeadersListener initial;
    private final ResponseHeadersListener every;

    private ResponseHeaderHooks(ResponseHeadersListener initial, ResponseHeadersListener every) {
        this.initial = initial;
        this.every = every;
    }

    /** @return the options' listeners, or null when neither is set (nothing to do per response) */
    static ResponseHeaderHooks of(EngineOptions options) {
        return options.initialHeaders() == null && options.headers() == null
                ? null : new ResponseHeaderHooks(options.initialHeaders(), options.headers());
    }

    /** @return whether the responses of a session already open get anything: the every-response listener is set */
    boolean forLaterRequests() {
        return every != null;
    }

    /** Lets the listeners change these headers of the response to {@code request}. */
    void apply(HttpHeaders headers, EngineRequest request, boolean opensSession) {
        View view = new View(headers);
        if (opensSession && initial != null) {
            call(initial, view, request);
        }
        if (every != null) {
            call(every, view, request);
        }
    }

    /** @return the headers the listeners give a WebSocket's 101, which Netty adds before its own */
    HttpHeaders forWebSocket(EngineRequest request, boolean opensSession) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        apply(headers, request, opensSession);
        return headers;
    }

    private static void call(ResponseHeadersListener listener, View view, EngineRequest request) {
        try {
            listener.onHeaders(view, request);
        } catch (RuntimeException e) {
            log.warn("a response headers listener failed; the response goes out with the headers set before", e);
        }
    }

    /** The listeners' view of Netty's headers: checked names and values, framing headers refused. */
    private record View(HttpHeaders headers) implements ResponseHeaders {
        @Override
        public String get(String name) {
            return headers.get(name);
        }

        @Override
        public List<String> getAll(String name) {
            return headers.getAll(name);
        }

        @Override
        public ResponseHeaders set(String name, String value) {
            headers.set(checkName(name), checkValue(name, value));
            return this;
        }

        @Override
        public ResponseHeaders add(String name, String value) {
            headers.add(checkName(name), checkValue(name, value));
            return this;
        }

        @Override
        public ResponseHeaders remove(String name) {
            headers.remove(checkName(name));
            return this;
        }

        private static String checkName(String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a header name must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean token = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
                if (!token) {
                    throw new IllegalArgumentException("header name '" + name + "' is not an HTTP token");
                }
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (MANAGED.contains(lower) || lower.startsWith("sec-websocket-")) {
                throw new IllegalArgumentException("header " + name + " frames the response: the server sets it");
            }
            return name;
        }

        private static String checkValue(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException("header " + name + " needs a value");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) {
                    throw new IllegalArgumentException("header " + name + " has a control character or one above "
                            + "U+00FF at index " + i);
                }
            }
            return value;
        }
    }
}
