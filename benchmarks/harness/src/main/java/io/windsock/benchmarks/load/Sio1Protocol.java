package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Socket.IO 0.9 "protocol 1" ({@code socket.io-client} 0.9.16) over a WebSocket. A handshake
 * {@code GET <path>1/?t=<time>} answers {@code sid:heartbeatTimeout:closeTimeout:transports}; the
 * WebSocket then opens at {@code <path>1/websocket/<sid>}, on the same keep-alive connection (the real
 * client makes the handshake an XHR of its own; the steady state is the same). Packets are
 * {@code type:id[+]:endpoint[:data]}: the server's {@code 1::} says the main endpoint is connected, its
 * heartbeats {@code 2::} are answered {@code 2::}, an event with an ack is
 * {@code 5:<id>+::{"name":"echo","args":[...]}} and its ack {@code 6:::<id>+[...]}.
 */
final class Sio1Protocol extends ClientProtocol {
    private static final byte[] HEARTBEAT = ascii("2::");
    private static final byte[] EVENT = ascii("5:");

    private final byte[] handshake;

    Sio1Protocol(String host, int port, String path) {
        super(host, port, path);
        // Keep-alive (HTTP/1.1's default): the upgrade follows on this connection.
        handshake = ascii("GET " + this.path + "1/?t=" + System.currentTimeMillis() + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "\r\n");
    }

    @Override
    String name() {
        return "v09";
    }

    @Override
    byte[] firstRequest() {
        return handshake;
    }

    @Override
    boolean handshakeFirst() {
        return true;
    }

    @Override
    byte[] upgradeAfterHandshake(String body) {
        String sid = sessionId(body);
        if (sid == null) {
            throw new IllegalArgumentException("not a protocol-1 handshake: " + body);
        }
        return webSocketUpgrade(host, port, path + "1/websocket/" + sid);
    }

    @Override
    byte[] eventPrefix() {
        return EVENT;
    }

    @Override
    byte[] eventBody(String name, String... args) {
        return ascii("+::{\"name\":\"" + name + "\",\"args\":[" + jsonStrings(args) + "]}");
    }

    @Override
    void onText(RawClient client, ByteBuf c, int i, int n, long now) {
        if (n < 2 || c.getByte(i + 1) != ':') {
            client.fail("not a protocol-1 packet: " + c.toString(i, n, StandardCharsets.UTF_8));
            return;
        }
        switch (c.getByte(i)) {
            case '1' -> {
                if (n == 3 && c.getByte(i + 2) == ':') { // 1:: is the main endpoint
                    client.ready();
                }
            }
            case '2' -> client.send(HEARTBEAT);
            case '6' -> client.ack(ackId(c, i, i + n), now);
            case '5', '3', '4' -> client.event(c, now);
            case '0' -> client.close();
            case '7' -> client.fail("error packet: " + c.toString(i, n, StandardCharsets.UTF_8));
            default -> { // 8:: noop
            }
        }
    }

    /** @return the session id of a handshake body {@code sid:heartbeat:close:transports}, or null. */
    static String sessionId(String body) {
        int colon = body.indexOf(':');
        if (colon <= 0 || body.indexOf(':', colon + 1) < 0) {
            return null;
        }
        String sid = body.substring(0, colon);
        for (int k = 0; k < sid.length(); k++) {
            char ch = sid.charAt(k);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '-' || ch == '_')) {
                return null;
            }
        }
        return sid;
    }

    /**
     * @return the acked message id of an ack packet {@code 6::<endpoint>:<id>[+data]} in
     *         {@code [from, end)}, or -1
     */
    static long ackId(ByteBuf c, int from, int end) {
        int colons = 0;
        for (int j = from; j < end; j++) {
            if (c.getByte(j) == ':' && ++colons == 3) {
                return RawClient.parseDecimal(c, j + 1, end);
            }
        }
        return -1;
    }
}
