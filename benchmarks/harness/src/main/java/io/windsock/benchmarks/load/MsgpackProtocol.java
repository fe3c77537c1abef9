package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;

/**
 * Engine.IO v4 with Socket.IO packets in the format of {@code socket.io-msgpack-parser} 3.x
 * ({@code --protocol v4m}; the server runs with its MessagePack parser): Engine.IO packets stay text
 * frames ({@code 0{...}}, {@code 2}/{@code 3}), every Socket.IO packet is one binary frame holding the
 * map {@code {type, data, id, nsp}}. The driver reads of a packet only its {@code type} and {@code id}
 * and skips the rest, as the text protocols read only their prefix.
 */
final class MsgpackProtocol extends ClientProtocol {
    /** {@code {type: 0, nsp: "/"}}. */
    private static final byte[] CONNECT = bytes(0x82, 0xa4, 't', 'y', 'p', 'e', 0x00, 0xa3, 'n', 's', 'p', 0xa1, '/');
    /** {@code {type: 2, data: }}, then the event's array. */
    private static final byte[] EVENT_HEAD = bytes(0x84, 0xa4, 't', 'y', 'p', 'e', 0x02, 0xa4, 'd', 'a', 't', 'a');
    /** {@code id: }, then the id. */
    private static final byte[] ID_KEY = bytes(0xa2, 'i', 'd');
    private static final byte[] NSP_MAIN = bytes(0xa3, 'n', 's', 'p', 0xa1, '/');
    private static final byte[] PONG = ascii("3");

    private final byte[] upgrade;

    MsgpackProtocol(String host, int port, String path) {
        super(host, port, path);
        this.upgrade = webSocketUpgrade(host, port, this.path + "?EIO=4&transport=websocket");
    }

    @Override
    String name() {
        return "v4m";
    }

    @Override
    byte[] firstRequest() {
        return upgrade;
    }

    @Override
    boolean binaryPackets() {
        return true;
    }

    @Override
    byte[] eventPrefix() {
        return new byte[0];
    }

    /** The event's {@code data}: a MessagePack array of short strings (the contract's payloads). */
    @Override
    byte[] eventBody(String name, String... args) {
        int size = 1 + args.length;
        ByteBufWriter out = new ByteBufWriter();
        out.put(0x90 | size);
        out.string(name);
        for (String arg : args) {
            out.string(arg);
        }
        return out.toArray();
    }

    @Override
    void writeEvent(ByteBuf out, long id, byte[] body) {
        out.writeBytes(EVENT_HEAD).writeBytes(body).writeBytes(ID_KEY);
        if (id < 0x80) { // the shortest form, as notepack.io writes it
            out.writeByte((int) id);
        } else if (id < 0x100) {
            out.writeByte(0xcc).writeByte((int) id);
        } else if (id < 0x10000) {
            out.writeByte(0xcd).writeShort((int) id);
        } else if (id < 0x100000000L) {
            out.writeByte(0xce).writeInt((int) id);
        } else {
            out.writeByte(0xcf).writeLong(id);
        }
        out.writeBytes(NSP_MAIN);
    }

    @Override
    int eventLength(long id, byte[] body) {
        return EVENT_HEAD.length + body.length + ID_KEY.length + (id < 0x80 ? 1 : id < 0x100 ? 2 : id < 0x10000 ? 3 : id < 0x100000000L ? 5 : 9) + NSP_MAIN.length;
    }

    @Override
    void onText(RawClient client, ByteBuf c, int i, int n, long now) {
        if (n == 0) {
            return;
        }
        switch (c.getByte(i)) {
            case '0' -> client.sendBinary(CONNECT);
            case '2' -> client.send(PONG);
            case '1' -> client.close();
            case '4' -> client.fail("a text message where the MessagePack parser sends binary");
            default -> {
            }
        }
    }

    @Override
    void onBinary(RawClient client, ByteBuf c, int from, int length, long now) {
        int end = from + length;
        int i = from;
        int head = c.getByte(i++) & 0xff;
        if ((head & 0xf0) != 0x80) {
            client.fail("a packet that is not a small map");
            return;
        }
        int type = -1;
        long id = -1;
        for (int entries = head & 0x0f; entries > 0 && i < end; entries--) {
            int keyLength = c.getByte(i++) & 0x1f;
            int key = i;
            i += keyLength;
            if (keyLength == 4 && c.getByte(key) == 't') {
                type = c.getByte(i++);
            } else if (keyLength == 2 && c.getByte(key) == 'i') {
                int b = c.getByte(i) & 0xff;
                id = b < 0x80 ? b : b == 0xcc ? c.getByte(i + 1) & 0xff : b == 0xcd ? c.getUnsignedShort(i + 1)
                        : b == 0xce ? c.getUnsignedInt(i + 1) : b == 0xcf ? c.getLong(i + 1) : -1;
                i = skip(c, i);
            } else {
                i = skip(c, i);
            }
        }
        switch (type) {
            case 0 -> client.ready();
            case 3 -> client.ack(id, now);
            case 2 -> client.event(c, now);
            case 1 -> client.close();
            case 4 -> client.fail("connect error");
            default -> {
            }
        }
    }

    /** @return the index after the MessagePack value at {@code i} */
    private static int skip(ByteBuf c, int i) {
        int b = c.getByte(i++) & 0xff;
        if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
            return i;
        }
        if (b <= 0x8f) {
            return skipItems(c, i, 2 * (b & 0x0f));
        }
        if (b <= 0x9f) {
            return skipItems(c, i, b & 0x0f);
        }
        if (b <= 0xbf) {
            return i + (b & 0x1f);
        }
        return switch (b) {
            case 0xc4, 0xd9 -> i + 1 + (c.getByte(i) & 0xff);
            case 0xc5, 0xda -> i + 2 + c.getUnsignedShort(i);
            case 0xc6, 0xdb -> i + 4 + (int) c.getUnsignedInt(i);
            case 0xca, 0xce, 0xd2 -> i + 4;
            case 0xcb, 0xcf, 0xd3 -> i + 8;
            case 0xcc, 0xd0 -> i + 1;
            case 0xcd, 0xd1 -> i + 2;
            case 0xd4 -> i + 2; // fixext: a type byte, then 1 to 16 bytes (Node's CONNECT reply has pid: undefined)
            case 0xd5 -> i + 3;
            case 0xd6 -> i + 5;
            case 0xd7 -> i + 9;
            case 0xd8 -> i + 17;
            case 0xc7 -> i + 2 + (c.getByte(i) & 0xff);
            case 0xc8 -> i + 3 + c.getUnsignedShort(i);
            case 0xc9 -> i + 5 + (int) c.getUnsignedInt(i);
            case 0xdc -> skipItems(c, i + 2, c.getUnsignedShort(i));
            case 0xde -> skipItems(c, i + 2, 2 * c.getUnsignedShort(i));
            default -> throw new IllegalArgumentException("MessagePack type 0x" + Integer.toHexString(b)
                    + " is not in the benchmark contract");
        };
    }

    private static int skipItems(ByteBuf c, int i, int count) {
        for (int k = 0; k < count; k++) {
            i = skip(c, i);
        }
        return i;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int k = 0; k < values.length; k++) {
            out[k] = (byte) values[k];
        }
        return out;
    }

    /** Builds the small constant bodies. */
    private static final class ByteBufWriter {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        void put(int b) {
            out.write(b);
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (utf8.length < 0x20) {
                put(0xa0 | utf8.length);
            } else if (utf8.length < 0x100) {
                put(0xd9);
                put(utf8.length);
            } else {
                put(0xda);
                put(utf8.length >> 8);
                put(utf8.length);
            }
            out.writeBytes(utf8);
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
