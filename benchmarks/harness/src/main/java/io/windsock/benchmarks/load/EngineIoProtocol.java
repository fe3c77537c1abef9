package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Engine.IO v4 / Socket.IO v5 ({@code socket.io-client} 3 and 4) and Engine.IO v3 / Socket.IO v4
 * ({@code socket.io-client} 2.x, {@code EIO=3}) over a WebSocket. Packets: OPEN {@code 0{...}}, events
 * {@code 42<id>["name",...]}, acks {@code 43<id>[...]}, in both. They differ in two things:
 * <ul>
 * <li>the main namespace: a v4 client asks for it ({@code 40}) after OPEN; in v3 the server connects
 *     it without being asked (socket.io 2.x semantics) and the client sends nothing;
 * <li>the heartbeat: in v4 the server pings ({@code 2}) and the client answers {@code 3}; in v3 the
 *     client pings every {@code pingInterval} (from the OPEN packet) and the server answers {@code 3}.
 * </ul>
 */
final class EngineIoProtocol extends ClientProtocol {
    private static final byte[] CONNECT = ascii("40");
    private static final byte[] PING = ascii("2");
    private static final byte[] PONG = ascii("3");
    private static final byte[] EVENT = ascii("42");

    private final boolean eio3;
    private final byte[] upgrade;

    EngineIoProtocol(boolean eio3, String host, int port, String path) {
        super(host, port, path);
        this.eio3 = eio3;
        this.upgrade = webSocketUpgrade(host, port, this.path + "?EIO=" + (eio3 ? 3 : 4) + "&transport=websocket");
    }

    @Override
    String name() {
        return eio3 ? "v3" : "v4";
    }

    @Override
    byte[] firstRequest() {
        return upgrade;
    }

    @Override
    byte[] eventPrefix() {
        return EVENT;
    }

    @Override
    byte[] eventBody(String name, String... args) {
        return ascii("[\"" + name + "\"" + (args.length == 0 ? "" : "," + jsonStrings(args)) + "]");
    }

    @Override
    void onText(RawClient client, ByteBuf c, int i, int n, long now) {
        if (n == 0) {
            return;
        }
        switch (c.getByte(i)) {
            case '0' -> { // OPEN
                if (eio3) {
                    long interval = pingIntervalMillis(c.toString(i + 1, n - 1, StandardCharsets.UTF_8));
                    if (interval <= 0) {
                        client.fail("OPEN without pingInterval");
                        return;
                    }
                    client.startPings(interval, PING);
                } else {
                    client.send(CONNECT);
                }
            }
            case '2' -> client.send(PONG);
            case '3' -> { // v3: the server's answer to our ping
            }
            case '1' -> client.close();
            case '4' -> onSocketIoPacket(client, c, i + 1, n - 1, now);
            default -> {
            }
        }
    }

    private static void onSocketIoPacket(RawClient client, ByteBuf c, int i, int n, long now) {
        if (n == 0) {
            return;
        }
        switch (c.getByte(i)) {
            case '0' -> client.ready();
            case '3' -> client.ack(RawClient.parseDecimal(c, i + 1, i + n), now);
            case '2' -> client.event(c, now);
            case '4' -> client.fail("connect error: " + c.toString(StandardCharsets.UTF_8));
            case '1' -> client.close();
            default -> {
            }
        }
    }

    /** @return the {@code pingInterval} of an OPEN packet's JSON (milliseconds), or -1. */
    static long pingIntervalMillis(String openJson) {
        String key = "\"pingInterval\":";
        int at = openJson.indexOf(key);
        if (at < 0) {
            return -1;
        }
        int from = at + key.length();
        while (from < openJson.length() && openJson.charAt(from) == ' ') {
            from++;
        }
        int end = from;
        while (end < openJson.length() && Character.isDigit(openJson.charAt(end))) {
            end++;
        }
        return end == from || end - from > 12 ? -1 : Long.parseLong(openJson.substring(from, end));
    }
}
