package io.windsock.internal.carrier;

import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.protocol.JsonCodec;
import io.windsock.internal.protocol.JsonText;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.internal.protocol.SocketPacketDecoder;
import io.windsock.internal.protocol.SocketPacketEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Socket.IO v5 over Engine.IO v4 (socket.io-client 3.x and 4.x). See {@link SocketDialect}. */
public final class SocketDialectV5 implements SocketDialect {
    private final JsonCodec json;
    private final ProtocolLimits limits;
    private final SocketPacketEncoder encoder;

    public SocketDialectV5(JsonCodec json, ProtocolLimits limits) {
        this.json = json;
        this.limits = limits;
        this.encoder = new SocketPacketEncoder(json);
    }

    @Override
    public int id() {
        return V5;
    }

    @Override
    public EngineFrames encode(SocketPacket packet) {
        return encode(packet, false);
    }

    /**
     * For many recipients: the text's UTF-8 bytes are made once, now, and every packet is marked shared,
     * so that the WebSocket transport frames it once per event loop (see {@link EnginePacket#isShared()}).
     */
    @Override
    public EngineFrames encodeShared(SocketPacket packet) {
        return encode(packet, true);
    }

    private EngineFrames encode(SocketPacket packet, boolean shared) {
        SocketPacketEncoder.Encoded encoded = encoder.encode(packet);
        EnginePacket text = shared ? EnginePacket.sharedMessage(encoded.text()) : EnginePacket.message(encoded.text());
        if (!encoded.isBinary()) {
            return new EngineFrames(List.of(text));
        }
        List<EnginePacket> packets = new ArrayList<>(1 + encoded.attachments().size());
        packets.add(text);
        for (byte[] attachment : encoded.attachments()) {
            packets.add(shared ? EnginePacket.sharedBinary(attachment) : EnginePacket.message(attachment));
        }
        return new EngineFrames(packets);
    }

    @Override
    public Decoder newDecoder() {
        return new V5Decoder(json, limits);
    }

    /** The packet decoder as the dialect's decoder: itself, not wrapped (one object per connection). */
    private static final class V5Decoder extends SocketPacketDecoder implements Decoder {
        V5Decoder(JsonCodec json, ProtocolLimits limits) {
            super(json, limits);
        }

        @Override
        public SocketPacket text(String frame) throws SocketDecodeException {
            return decode(frame);
        }

        @Override
        public SocketPacket binary(byte[] frame) throws SocketDecodeException {
            return addBinary(frame);
        }
    }

    @Override
    public boolean connectsMainImplicitly() {
        return false;
    }

    @Override
    public Object connectReply(String sid, String pid) {
        // Written by hand: the object mapper costs more than the reply, sent once per connection.
        JsonText text = JsonText.ofStrings("sid", sid, "pid", pid);
        if (text != null) {
            return text;
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("sid", sid);
        if (pid != null) {
            reply.put("pid", pid);
        }
        return reply;
    }

    @Override
    public Object connectError(String message, Object data) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        if (data != null) {
            error.put("data", data);
        }
        return error;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> connectAuth(SocketPacket connect) {
        return connect.data() instanceof Map ? (Map<String, Object>) connect.data() : Map.of();
    }
}
