package io.windsock.redis.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis module's logger, named after what its lines are about rather than after a class, so that a
 * logging configuration survives refactoring. The name is documented in docs/logging.md and is a
 * contract. This is the only place in the module that asks SLF4J for a logger (a test checks the sources).
 */
final class Loggers {
    /**
     * The Redis adapters and the emitter: connections lost and back, publishes and subscriptions that
     * fail, the cluster's slot map, messages to or from other nodes that cannot be sent or handled.
     */
    static final Logger REDIS = LoggerFactory.getLogger("io.windsock.redis");

    private Loggers() {
    }
}
