package io.windsock.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Hands each message the subscriber connection receives to the listeners of its channel, pattern or
 * shard channel. Runs on Lettuce's thread; the listeners only decode and queue.
 */
final class MessageRouter extends RedisPubSubAdapter<byte[], byte[]> {
    /** Under the connections' name, as the rest of what concerns them: one logger to configure. */
    private static final Logger log = Loggers.REDIS;

    private final Map<String, Set<RedisConnections.Listener>> channels;
    private final Map<String, Set<RedisConnections.Listener>> patterns;
    private final Map<String, Set<RedisConnections.Listener>> shardChannels;
    /** Messages that could not be handled: whoever can publish on the channels can send one after another. */
    private final LogThrottle unhandledMessages;

    MessageRouter(Map<String, Set<RedisConnections.Listener>> channels, Map<String, Set<RedisConnections.Listener>> patterns,
            Map<String, Set<RedisConnections.Listener>> shardChannels, LogThrottle unhandledMessages) {
        this.channels = channels;
        this.patterns = patterns;
        this.shardChannels = shardChannels;
        this.unhandledMessages = unhandledMessages;
    }

    @Override
    public void message(byte[] channel, byte[] message) {
        String name = new String(channel, StandardCharsets.UTF_8);
        dispatch(channels.get(name), name, message);
    }

    @Override
    public void message(byte[] pattern, byte[] channel, byte[] message) {
        dispatch(patterns.get(new String(pattern, StandardCharsets.UTF_8)),
                new String(channel, StandardCharsets.UTF_8), message);
    }

    @Override
    public void smessage(byte[] channel, byte[] message) {
        String name = new String(channel, StandardCharsets.UTF_8);
        dispatch(shardChannels.get(name), name, message);
    }

    private void dispatch(Set<RedisConnections.Listener> listeners, String channel, byte[] message) {
        if (listeners == null) {
            return;
        }
        for (RedisConnections.Listener listener : listeners) {
            try {
                listener.accept(channel, message);
            } catch (RuntimeException e) {
                unhandled(channel, e);
            }
        }
    }

    /** Logs a message that could not be handled, at most once per 10 s with the count since. */
    private void unhandled(String channel, RuntimeException e) {
        long count = unhandledMessages.count();
        if (count > 0) {
            log.warn("{} message(s) from Redis could not be handled, the last on {}", count, channel, e);
        }
    }
}
