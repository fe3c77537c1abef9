package io.windsock.redis.internal;

/**
 * Walks a msgpack message's structure before it is decoded: every length it declares must fit in
 * the bytes that follow, and containers may nest only {@link #MAX_DEPTH} deep. Anyone who can publish
 * on the adapter's channels can send a message; without this, a 5-byte header declaring a 2 GB
 * string makes the decoder allocate 2 GB, and a few kilobytes of nested arrays overflow the stack
 * of the thread that reads from Redis. Iterative, no allocation but one small array.
 */
final class MsgpackCheck {
    /** As Jackson's default for JSON (StreamReadConstraints), which the JSON messages get. */
    static final int MAX_DEPTH = 1000;

    private MsgpackCheck() {
    }

    /**
     * @throws IllegalArgumentException when the message is truncated, nests deeper than {@link #MAX_DEPTH},
     *                                  or holds the never-used byte 0xc1
     */
    static void check(byte[] m) {
        // values[d]: how many values the container at depth d still holds (depth 0: the message's one value)
        long[] values = new long[MAX_DEPTH + 1];
        values[0] = 1;
        int depth = 0;
        int pos = 0;
        for (;;) {
            while (values[depth] == 0) {
                if (depth == 0) {
                    return;
                }
                depth--;
            }
            values[depth]--;
            if (pos >= m.length) {
                throw truncated();
            }
            int type = m[pos++] & 0xff;
            long skip = 0;
            long children = 0;
            if (type <= 0x7f || type >= 0xe0 || type == 0xc0 || type == 0xc2 || type == 0xc3) {
                // fixints, nil, booleans: the type byte is all
            } else if (type <= 0x8f) {
                children = 2L * (type & 0x0f); // fixmap: keys and values
            } else if (type <= 0x9f) {
                children = type & 0x0f; // fixarray
            } else if (type <= 0xbf) {
                skip = type & 0x1f; // fixstr
            } else {
                switch (type) {
                    case 0xc4, 0xd9 -> { skip = length(m, pos, 1); pos += 1; } // bin8, str8
                    case 0xc5, 0xda -> { skip = length(m, pos, 2); pos += 2; } // bin16, str16
                    case 0xc6, 0xdb -> { skip = length(m, pos, 4); pos += 4; } // bin32, str32
                    case 0xc7 -> { skip = length(m, pos, 1) + 1; pos += 1; } // ext8: length, then type
                    case 0xc8 -> { skip = length(m, pos, 2) + 1; pos += 2; }
                    case 0xc9 -> { skip = length(m, pos, 4) + 1; pos += 4; }
                    case 0xca, 0xce, 0xd2 -> skip = 4;
                    case 0xcb, 0xcf, 0xd3 -> skip = 8;
                    case 0xcc, 0xd0 -> skip = 1;
                    case 0xcd, 0xd1 -> skip = 2;
                    case 0xd4 -> skip = 2; // fixext1: type and 1 byte
                    case 0xd5 -> skip = 3;
                    case 0xd6 -> skip = 5;
                    case 0xd7 -> skip = 9;
                    case 0xd8 -> skip = 17;
                    case 0xdc -> { children = length(m, pos, 2); pos += 2; } // array16
                    case 0xdd -> { children = length(m, pos, 4); pos += 4; } // array32
                    case 0xde -> { children = 2 * length(m, pos, 2); pos += 2; } // map16
                    case 0xdf -> { children = 2 * length(m, pos, 4); pos += 4; } // map32
                    default -> throw new IllegalArgumentException("malformed msgpack: byte 0x"
                            + Integer.toHexString(type) + " at " + (pos - 1));
                }
            }
            if (skip > m.length - pos) {
                throw truncated();
            }
            pos += (int) skip;
            if (children > 0) {
                if (children > m.length - pos) {
                    throw truncated(); // every value takes a byte at least
                }
                if (depth == MAX_DEPTH) {
                    throw new IllegalArgumentException("msgpack message nested deeper than " + MAX_DEPTH);
                }
                values[++depth] = children;
            }
        }
    }

    /** @return the big-endian unsigned length of {@code size} bytes at {@code pos} */
    private static long length(byte[] m, int pos, int size) {
        if (size > m.length - pos) {
            throw truncated();
        }
        long length = 0;
        for (int i = 0; i < size; i++) {
            length = length << 8 | (m[pos + i] & 0xff);
        }
        return length;
    }

    private static IllegalArgumentException truncated() {
        return new IllegalArgumentException("malformed msgpack: a length runs past the message's end");
    }
}
