package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.adapter.AdapterNamespace;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.Ack;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Events from other nodes, as a cluster adapter hands them over (from its own threads): a namespace
 * runs their listeners one at a time, in arrival order, on the default handler pool, and no more than
 * {@link ServerSideEvents#MAX_WAITING} wait for a blocked listener (each used to be a task of its own on
 * the pool: run in any order, at once, and queued without bound).
 */
class ServerSideEventsTest {
    @Test
    void listenersRunOneAtATimeInArrivalOrderAndAtMostTheBoundWaits() throws Exception {
        CompletableFuture<AdapterNamespace> view = new CompletableFuture<>();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch allRan = new CountDownLatch(ServerSideEvents.MAX_WAITING);
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .adapter(namespace -> {
                    view.complete(namespace);
                    return new InMemoryAdapter(namespace);
                })
                .build();
        server.of("/").onServerSideEmit("n", (args, ack) -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            int n = ((Number) args.get(0)).intValue();
            if (n == 0) {
                firstRunning.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            seen.add(n);
            running.decrementAndGet();
            allRan.countDown();
        });
        server.start();
        try {
            AdapterNamespace namespace = view.get(10, TimeUnit.SECONDS);
            namespace.onServerSideEmit(List.of("n", 0), Ack.NONE);
            assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
            // The first listener is blocked: it and those waiting behind it count up to the bound; the rest are dropped.
            int sent = ServerSideEvents.MAX_WAITING + 500;
            for (int n = 1; n <= sent; n++) {
                namespace.onServerSideEmit(List.of("n", n), Ack.NONE);
            }
            CompletableFuture<Void> last = new CompletableFuture<>();
            server.of("/").onServerSideEmit("done", (args, ack) -> last.complete(null));
            release.countDown();
            assertTrue(allRan.await(20, TimeUnit.SECONDS));
            namespace.onServerSideEmit(List.of("done"), Ack.NONE); // taken again once the queue has drained
            last.get(10, TimeUnit.SECONDS);
            assertEquals(0, overlaps.get(), "one listener at a time");
            assertEquals(ServerSideEvents.MAX_WAITING, seen.size(), "the first, then as many more as the bound leaves room for");
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i, seen.get(i), "in arrival order");
            }
        } finally {
            server.stop();
        }
    }
}
