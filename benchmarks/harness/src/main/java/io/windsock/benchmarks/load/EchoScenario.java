package io.windsock.benchmarks.load;

import java.util.Map;

/**
 * Echo with ack over a pool of WebSocket clients. Closed loop ({@code echo-closed}): every client keeps
 * one echo in flight, each ack sending the next. Paced ({@code echo-rate}): echoes at {@code --rate} in
 * total, spread round-robin over the clients, latency measured from each echo's intended send time so a
 * stalled server cannot hide its queue. Acks/s over the measured window.
 */
class EchoScenario extends PoolScenario {
    private final boolean paced;

    EchoScenario(Driver driver, boolean paced) {
        super(driver);
        this.paced = paced;
    }

    @Override
    Map<String, Object> run() throws Exception {
        connectAll(driver.clientCount);
        onLoop(() -> {
            phase = Phase.ECHO;
            running = true;
            if (paced) {
                pacer = new Pacer(driver.loop, driver.rate, (k, intended) -> {
                    pool[(int) (k % pool.length)].emitWithAck(driver.echoBody, intended);
                    sent++;
                });
                pacer.run();
            } else {
                for (RawClient c : pool) {
                    c.emitWithAck(driver.echoBody, System.nanoTime());
                }
            }
            return null;
        });
        Map<String, Object> r = measure();
        r.put("opUnit", "ack");
        return r;
    }

    @Override
    public void onAck(RawClient client, long id, long sentNanos, long nowNanos) {
        if (phase != Phase.ECHO) {
            return;
        }
        if (recording) {
            latency.record(nowNanos - sentNanos);
            ops++;
        }
        if (running && pacer == null) {
            client.emitWithAck(driver.echoBody, nowNanos);
        }
    }
}
