package io.windsock.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;

/**
 * What Redis confirmed to the subscriber, per kind, as its pushes tell: a listener on the subscriber
 * connection, which sees the same pushes, in the same order, as Lettuce records for its own resubscription.
 * Called on Redis I/O threads.
 */
final class SubscriptionConfirmations extends RedisPubSubAdapter<byte[], byte[]> {
    final ConfirmedNames channels = new ConfirmedNames();
    final ConfirmedNames patterns = new ConfirmedNames();
    final ConfirmedNames shardChannels = new ConfirmedNames();

    /** The subscriber lost its connection. */
    void disconnected() {
        channels.disconnected();
        patterns.disconnected();
        shardChannels.disconnected();
    }

    @Override
    public void subscribed(byte[] channel, long count) {
        channels.subscribed(text(channel));
    }

    @Override
    public void unsubscribed(byte[] channel, long count) {
        channels.unsubscribed(text(channel));
    }

    @Override
    public void psubscribed(byte[] pattern, long count) {
        patterns.subscribed(text(pattern));
    }

    @Override
    public void punsubscribed(byte[] pattern, long count) {
        patterns.unsubscribed(text(pattern));
    }

    @Override
    public void ssubscribed(byte[] channel, long count) {
        shardChannels.subscribed(text(channel));
    }

    @Override
    public void sunsubscribed(byte[] channel, long count) {
        shardChannels.unsubscribed(text(channel));
    }

    private static String text(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }
}
