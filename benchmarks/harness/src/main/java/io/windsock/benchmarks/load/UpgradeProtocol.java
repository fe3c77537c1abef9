package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The WebSocket of an Engine.IO v4 polling session that upgrades ({@link PollingClient}): it joins the
 * session by its sid, sends {@code 2probe} once the server accepted the upgrade and reports
 * {@code 3probe} to its polling client, which sends {@code 5} when its polling requests are done.
 * Every other packet is v4's as on a fresh WebSocket ({@link EngineIoProtocol}). One per client: it
 * holds the sid.
 */
final class UpgradeProtocol extends ClientProtocol {
    private static final byte[] PROBE = ascii("2probe");
    private static final byte[] PROBE_ANSWER = ascii("3probe");

    private final EngineIoProtocol v4;
    private final PollingClient session;
    private final byte[] upgrade;

    UpgradeProtocol(String host, int port, String path, String sid, PollingClient session) {
        super(host, port, path);
        this.v4 = new EngineIoProtocol(false, host, port, path);
        this.session = session;
        this.upgrade = webSocketUpgrade(host, port, this.path + "?EIO=4&transport=websocket&sid="
                + URLEncoder.encode(sid, StandardCharsets.UTF_8));
    }

    @Override
    String name() {
        return v4.name();
    }

    @Override
    byte[] firstRequest() {
        return upgrade;
    }

    @Override
    void webSocketOpened(RawClient client) {
        client.send(PROBE);
    }

    @Override
    byte[] eventPrefix() {
        return v4.eventPrefix();
    }

    @Override
    byte[] eventBody(String name, String... args) {
        return v4.eventBody(name, args);
    }

    @Override
    void onText(RawClient client, ByteBuf c, int i, int n, long now) {
        if (n == PROBE_ANSWER.length && equalsAscii(c, i, PROBE_ANSWER)) {
            session.probeAnswered();
        } else {
            v4.onText(client, c, i, n, now);
        }
    }

    private static boolean equalsAscii(ByteBuf c, int from, byte[] expected) {
        for (int k = 0; k < expected.length; k++) {
            if (c.getByte(from + k) != expected[k]) {
                return false;
            }
        }
        return true;
    }
}
