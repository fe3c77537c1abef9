package io.windsock.internal.carrier;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import java.util.Map;

/**
 * How one protocol generation writes and reads Socket.IO packets, and the few places where the
 * generations differ in meaning, as data: the socket layer asks its carrier's dialect instead of
 * branching on a protocol. One instance per server and generation (it holds the server's JSON codec);
 * thread-safe, and encoding is pure.
 *
 * <p>How each generation maps (all three are implemented; protocol 1 in {@code internal.sio1}):
 * <table>
 * <caption>dialects</caption>
 * <tr><th></th><th>v5 (Engine.IO v4)</th><th>v4 (Engine.IO v3, socket.io-client 2.x)</th>
 *     <th>protocol 1 (socket.io-client 0.9)</th></tr>
 * <tr><td>frames</td><td>{@link EngineFrames}: {@code 2["e",1]}, {@code 451-["e",{"_placeholder":..}]}
 *     then raw attachments</td><td>{@link EngineFrames}, same text (the Engine.IO v3 codec adds the
 *     binary frame's type byte)</td><td>text frames of its own: {@code 5:1+::{"name":"e","args":[1]}},
 *     {@code 6:::1+[..]}, no binary</td></tr>
 * <tr><td>{@link #connectsMainImplicitly}</td><td>no: the client sends {@code 0}</td>
 *     <td>yes: the server connects "/" and writes {@code 0} at once</td>
 *     <td>yes: the server writes {@code 1::} at once</td></tr>
 * <tr><td>{@link #connectReply}</td><td>{@code {"sid":..}} (+ {@code "pid"} with recovery)</td>
 *     <td>none ({@code 0/nsp,})</td><td>none ({@code 1::/nsp})</td></tr>
 * <tr><td>{@link #connectError}</td><td>{@code {"message":..,"data":..}}</td>
 *     <td>the message as a JSON string ({@code 4/nsp,"msg"})</td>
 *     <td>none: {@code 7::/nsp:2}, reason 2 being "unauthorized" (the 0.9 client reads reasons by
 *     index and emits {@code connect_failed}); a refused "/" fails the handshake with 401</td></tr>
 * <tr><td>{@link #connectAuth}</td><td>the CONNECT packet's payload</td>
 *     <td>the query after the namespace in the CONNECT ({@code 0/nsp?x=1,}), as a map of strings</td>
 *     <td>the query of {@code 1::/nsp?x=1}, as a map of strings</td></tr>
 * <tr><td>inbound</td><td>text packet, then its attachments</td><td>same</td>
 *     <td>{@code 5:} events, {@code 3:}/{@code 4:} messages as EVENT "message", {@code 6:} acks,
 *     {@code 0::/nsp} as DISCONNECT, {@code 1::/nsp} as CONNECT; heartbeats ({@code 2::}) stay in the
 *     carrier</td></tr>
 * </table>
 */
public interface SocketDialect {
    /**
     * A decoder failed in a way it did not foresee (a bug, or a library's exception not caught): the
     * packet is refused as undecodable (the connection is closed) rather than thrown out of the packet's handling,
     * which would leave a request unanswered. The cause goes to the debug log.
     */
    static SocketDecodeException undecodable(RuntimeException cause) {
        Loggers.SOCKETS.debug("undecodable packet", cause);
        return new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD,
                "undecodable packet (" + cause.getClass().getSimpleName() + ")");
    }

    /** {@link #id()} of Socket.IO v5 over Engine.IO v4. */
    int V5 = 0;
    /** {@link #id()} of Socket.IO v4 over Engine.IO v3. */
    int V4 = 1;
    /** {@link #id()} of Socket.IO 0.9's protocol 1. */
    int PROTOCOL_1 = 2;

    /**
     * @return a small number naming the dialect ({@link #V5}, {@link #V4}, {@link #PROTOCOL_1}): the
     *         slot of its frames in an {@link EncodedBroadcast}'s cache, below {@link EncodedBroadcast#ENCODINGS}
     */
    int id();

    /** Encodes a packet into this dialect's frames. Pure: the same packet gives equal frames. */
    Frames encode(SocketPacket packet);

    /** As {@link #encode}, for frames many recipients share (a broadcast): may do more work up front. */
    default Frames encodeShared(SocketPacket packet) {
        return encode(packet);
    }

    /**
     * @return the packet's frames in this dialect, encoded by the first recipient that needs them and
     *         shared by the rest (see {@link EncodedBroadcast#encoding}); a packet that did not come
     *         from the namespace's encode (an adapter's own) is encoded for this recipient alone
     */
    default Frames frames(EncodedPacket packet) {
        if (!(packet instanceof EncodedBroadcast shared)) {
            return encode(packet.packet());
        }
        Frames frames = shared.encoding(id());
        return frames != null ? frames : shared.cacheEncoding(id(), encodeShared(packet.packet()));
    }

    /** @return a decoder for one connection's inbound frames (it holds a packet waiting for attachments). */
    Decoder newDecoder();

    /** @return whether the server connects the client to "/" as soon as the connection opens. */
    boolean connectsMainImplicitly();

    /**
     * @param pid the private session id for connection state recovery, or {@code null}
     * @return the data of the CONNECT reply to a socket with public id {@code sid}, or {@code null} for none
     */
    Object connectReply(String sid, String pid);

    /**
     * @param data the application's extra data ({@code Rejection.data()}), or {@code null}
     * @return the data of a CONNECT_ERROR packet refusing a namespace
     */
    Object connectError(String message, Object data);

    /**
     * @param connect a CONNECT packet this dialect's decoder produced
     * @return what the application sees as the handshake's auth, never {@code null}
     */
    Map<String, Object> connectAuth(SocketPacket connect);

    /**
     * @param connectionId the carrier's id
     * @return the id of the socket a connection opens on {@code namespace}, or {@code null} for a fresh
     *         random one (v5). Older clients compute it themselves from the connection's id.
     */
    default String socketId(String connectionId, String namespace) {
        return null;
    }

    /**
     * @return whether the clients can recover their state after a reconnection: else their sockets get
     *         no private id and the events stored for recovery reach them without the offset argument
     */
    default boolean supportsRecovery() {
        return true;
    }

    /** Turns one connection's inbound frames into packets. One thread at a time (the carrier's). */
    interface Decoder {
        /** @return the packet, or {@code null} while it waits for binary attachments */
        SocketPacket text(String frame) throws SocketDecodeException;

        /** @return the packet once its last attachment arrived, else {@code null} */
        SocketPacket binary(byte[] frame) throws SocketDecodeException;

        /** Drops a packet waiting for attachments (the connection closed). */
        void reset();
    }
}
