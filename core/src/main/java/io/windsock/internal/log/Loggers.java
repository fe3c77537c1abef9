package io.windsock.internal.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's loggers, named after what their lines are about rather than after the class that writes them,
 * so that a logging configuration survives refactoring. The names are documented in docs/logging.md
 * and are a contract: renaming one is an incompatible change. This is the only place in core that asks
 * SLF4J for a logger (a test checks the sources).
 */
public final class Loggers {
    /** Starting and stopping: the "listening" line, the I/O transport chosen, stops that wait or fail. */
    public static final Logger SERVER = LoggerFactory.getLogger("io.windsock.server");
    /**
     * Connections and HTTP requests, before or beside a session: refused connections and handshakes
     * (every protocol generation), request timeouts, WebSocket errors, the connection error listener.
     */
    public static final Logger TRANSPORT = LoggerFactory.getLogger("io.windsock.transport");
    /** Engine.IO sessions: closes, upgrades, the raw Engine.IO server's queue limit. */
    public static final Logger ENGINE = LoggerFactory.getLogger("io.windsock.engine");
    /**
     * Socket.IO namespaces and sockets: refused namespaces, undecodable packets, recovery given up,
     * notifications dropped at their limits.
     */
    public static final Logger SOCKETS = LoggerFactory.getLogger("io.windsock.sockets");
    /** The handler executors and the default handler pool: refusals, thread starts, uncaught failures. */
    public static final Logger HANDLERS = LoggerFactory.getLogger("io.windsock.handlers");
    /** Registering connection classes: handlers that bind by position only. */
    public static final Logger REGISTRATION = LoggerFactory.getLogger("io.windsock.registration");
    /** Adapters: the in-memory adapter, the events it stores for recovery, adapters failing to close. */
    public static final Logger ADAPTER = LoggerFactory.getLogger("io.windsock.adapter");
    /**
     * {@code ErrorHandler.DEFAULT_LOGGER} (spelled out here, as this package sits below the API; a test
     * holds the two equal): the default error handler's reports, and error handlers that throw.
     */
    public static final Logger ERRORS = LoggerFactory.getLogger("io.windsock.errors");

    private Loggers() {
    }
}
