package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OwnedLettuceTest {

    @Test
    void reconnectionWaitsDoubleFromATenthOfASecondToFiveSeconds() {
        ClientResources resources = OwnedLettuce.resources();
        try {
            Delay delay = resources.reconnectDelay();
            assertEquals(Duration.ofMillis(100), delay.createDelay(1));
            long previous = 0;
            for (int attempt = 1; attempt <= 64; attempt++) {
                long millis = delay.createDelay(attempt).toMillis();
                assertTrue(millis >= previous && millis <= 5_000, "attempt " + attempt + ": " + millis + " ms");
                previous = millis;
            }
            assertEquals(Duration.ofSeconds(5), delay.createDelay(20), "Lettuce's default would wait 30 s here");
        } finally {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void shuttingDownAClientAlsoEndsItsOwnResources() throws Exception {
        RedisClient client = RedisClient.create(OwnedLettuce.resources());
        OwnedLettuce.shutdown(client).get(10, TimeUnit.SECONDS);
        assertTrue(client.getResources().eventExecutorGroup().isTerminated(), "the resources' threads ended");
    }
}
