package io.windsock.redis.internal;

import java.util.Objects;

/**
 * The options of the streams adapter that every node of a cluster must share, with the names of Node's
 * {@code @socket.io/redis-streams-adapter}: {@code channelPrefix}, {@code streamName}, {@code streamCount},
 * {@code maxLen}, {@code sessionKeyPrefix} and {@code useShardedPubSub}.
 */
public record StreamsSettings(String channelPrefix, String streamName, int streamCount, long maxStreamLength,
                              String sessionKeyPrefix, boolean shardedPubSub) {
    public StreamsSettings {
        Objects.requireNonNull(channelPrefix, "channelPrefix");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(sessionKeyPrefix, "sessionKeyPrefix");
        if (streamCount < 1 || maxStreamLength < 1) {
            throw new IllegalArgumentException("streamCount and maxStreamLength must be positive");
        }
    }

    /**
     * @return the stream of a namespace: the one stream, or with several Node's choice by the hash of its name
     *     (Java's {@code String.hashCode} is Node's {@code hashCode} there, and both keep the sign of the remainder)
     */
    public String streamOf(String namespace) {
        return streamCount == 1 ? streamName : streamName + "-" + namespace.hashCode() % streamCount;
    }
}
