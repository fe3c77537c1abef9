package io.windsock.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.testing.ApiListing;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The redis module's public API (everything outside {@code io.windsock.redis.internal}), listed in
 * {@code redis/api/windsock-redis.api}. Regenerate with {@code -Dwindsock.api.update=true}.
 */
class PublicApiTest {
    private static List<String> listing() {
        return ApiListing.of(Path.of("target", "classes"), List.of("io.windsock.redis"),
                RedisAdapterFactory.class.getClassLoader());
    }

    @Test
    void noPublicSignatureMentionsAnInternalType() {
        assertEquals(List.of(), listing().stream().filter(line -> line.contains(".internal.")).toList());
    }

    @Test
    void theApiListingIsUpToDate() {
        ApiListing.check(listing(), Path.of("api", "windsock-redis.api"));
    }
}
