package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Broadcast fan-out: every client joins one room, then {@code bcast} at a rate giving {@code --rate}
 * deliveries/s; latency from the broadcast's intended send time (stamped in its payload) to each
 * delivery. With {@code --port2} the clients alternate between two servers of one cluster and, with
 * {@code --single-emitter}, one client on the first sends every broadcast; latency is also reported
 * apart for the clients on the second server (the cross-node path).
 */
final class FanoutScenario extends PoolScenario {
    private int joined;
    private CompletableFuture<Void> allJoined;

    FanoutScenario(Driver driver) {
        super(driver);
    }

    @Override
    Map<String, Object> run() throws Exception {
        int clientCount = driver.clientCount;
        connectAll(clientCount);
        allJoined = new CompletableFuture<>();
        onLoop(() -> {
            phase = Phase.JOIN;
            for (RawClient c : pool) {
                c.emitWithAck(driver.joinBody, System.nanoTime());
            }
            return null;
        });
        allJoined.get(30 + clientCount / 500, TimeUnit.SECONDS);
        double broadcastsPerSecond = driver.rate / clientCount;
        onLoop(() -> {
            phase = Phase.FANOUT;
            running = true;
            pacer = new Pacer(driver.loop, broadcastsPerSecond, (k, intended) -> {
                RawClient emitter = driver.singleEmitter ? pool[0] : pool[(int) (k % pool.length)];
                emitter.emitWithAck(driver.protocol.eventBody("bcast", "bench",
                        "T" + (intended - driver.epoch) + "|" + driver.filler), intended);
                sent++;
            });
            pacer.run();
            return null;
        });
        Map<String, Object> r = measure();
        r.put("opUnit", "delivery");
        r.put("broadcastsPerSec", broadcastsPerSecond);
        if (driver.remote2 != null) {
            r.put("nodes", 2);
        }
        long broadcastsInWindow = (long) r.get("sent");
        r.put("deliveryRatio", broadcastsInWindow == 0 ? 0.0
                : Driver.round((double) (long) r.get("ops") / ((double) broadcastsInWindow * clientCount), 4));
        return r;
    }

    @Override
    public void onAck(RawClient client, long id, long sentNanos, long nowNanos) {
        if (phase == Phase.JOIN && ++joined == pool.length) {
            allJoined.complete(null);
        }
    }

    @Override
    public void onEvent(RawClient client, ByteBuf content, long nowNanos) {
        if (phase != Phase.FANOUT || !recording) {
            return;
        }
        int from = content.readerIndex();
        int end = from + content.readableBytes();
        int t = content.indexOf(from, end, (byte) 'T');
        if (t < 0) {
            return;
        }
        long stamp = RawClient.parseDecimal(content, t + 1, end);
        if (stamp >= 0) {
            long epoch = driver.epoch;
            latency.record(nowNanos - (epoch + stamp));
            if (driver.remote2 != null && client.index % 2 == 1) {
                remoteLatency.record(nowNanos - (epoch + stamp));
            }
            ops++;
        }
    }
}
