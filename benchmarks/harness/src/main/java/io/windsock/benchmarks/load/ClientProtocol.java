package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One client generation as {@link RawClient} speaks it over a WebSocket: how a connection starts, how an
 * event with an ack id is written, and what each text frame from the server means. Just the packets of
 * the benchmark contract (events and acks on the main namespace, heartbeats), no JSON: every generation
 * costs the driver the same per message. Stateless and bound to one server ({@code host:port} and path);
 * per-connection state (a ping timer) lives in the client.
 *
 * <ul>
 * <li>{@code v4}: Engine.IO v4 / Socket.IO v5 (socket.io-client 3 and 4); see {@link EngineIoProtocol}.
 * <li>{@code v3}: Engine.IO v3 / Socket.IO v4 (socket.io-client 2.x); see {@link EngineIoProtocol}.
 * <li>{@code v09}: Socket.IO 0.9 "protocol 1" (socket.io-client 0.9.16); see {@link Sio1Protocol}.
 * <li>{@code v4m}: Engine.IO v4 with socket.io-msgpack-parser's packets; see {@link MsgpackProtocol}.
 * </ul>
 */
abstract class ClientProtocol {
    final String host;
    final int port;
    /** The Socket.IO path, with its trailing slash ({@code /socket.io/}). */
    final String path;

    ClientProtocol(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path.endsWith("/") ? path : path + "/";
    }

    /** @param name {@code v4}, {@code v3}, {@code v09} or {@code v4m} */
    static ClientProtocol of(String name, String host, int port, String path) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "v4" -> new EngineIoProtocol(false, host, port, path);
            case "v3" -> new EngineIoProtocol(true, host, port, path);
            case "v09", "v0.9", "0.9" -> new Sio1Protocol(host, port, path);
            case "v4m" -> new MsgpackProtocol(host, port, path);
            default -> throw new IllegalArgumentException("unknown --protocol " + name + " (v4, v3, v09 or v4m)");
        };
    }

    abstract String name();

    /**
     * The first request on a new connection: the WebSocket upgrade, or (0.9) the HTTP handshake whose
     * answer {@link #upgradeAfterHandshake} turns into the upgrade. The same bytes for every client.
     */
    abstract byte[] firstRequest();

    /** Whether {@link #firstRequest()} is an HTTP handshake answered with 200 and a body, not the upgrade. */
    boolean handshakeFirst() {
        return false;
    }

    /**
     * @param body the handshake's response body
     * @return the WebSocket upgrade request for the session the handshake opened
     */
    byte[] upgradeAfterHandshake(String body) {
        throw new IllegalStateException(name() + " has no HTTP handshake");
    }

    /**
     * The server accepted the WebSocket upgrade (101). Nothing to send in a fresh session (the server
     * speaks first); a session upgraded from polling sends its probe here.
     */
    void webSocketOpened(RawClient client) {
    }

    /** Written before the ack id of an event ({@code 42} for {@code 42<id>[...]}). */
    abstract byte[] eventPrefix();

    /**
     * Written after the ack id: an event {@code name} with string arguments.
     *
     * @param args plain strings that need no JSON escaping (the benchmark's payloads are ASCII letters,
     *             digits and {@code |})
     */
    abstract byte[] eventBody(String name, String... args);

    /** A text frame from the server; {@code [from, from + length)} of {@code frame} is its payload. */
    abstract void onText(RawClient client, ByteBuf frame, int from, int length, long nowNanos);

    /**
     * Whether Socket.IO packets travel as binary frames ({@link MsgpackProtocol}): events are then
     * written by {@link #writeEvent}, not as prefix, id and body, and binary frames reach {@link #onBinary}.
     */
    boolean binaryPackets() {
        return false;
    }

    /** Writes an event with ack {@code id} and the {@link #eventBody} {@code body}; see {@link #binaryPackets()}. */
    void writeEvent(ByteBuf out, long id, byte[] body) {
        throw new UnsupportedOperationException(name() + " writes text events");
    }

    /** The bytes {@link #writeEvent} writes. */
    int eventLength(long id, byte[] body) {
        throw new UnsupportedOperationException(name() + " writes text events");
    }

    /** A binary frame from the server (ignored by the text protocols). */
    void onBinary(RawClient client, ByteBuf frame, int from, int length, long nowNanos) {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code "a","b"}: the arguments as a JSON array's elements. */
    static String jsonStrings(String... args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"').append(args[i]).append('"');
        }
        return out.toString();
    }

    static byte[] webSocketUpgrade(String host, int port, String pathAndQuery) {
        return ascii("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n");
    }
}
