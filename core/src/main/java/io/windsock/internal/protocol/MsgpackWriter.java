package io.windsock.internal.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes plain values as MessagePack, in the forms notepack.io (the codec of
 * {@code socket.io-msgpack-parser}) writes their JavaScript counterparts: integers in their shortest
 * form, other numbers as 64-bit floats ({@code NaN} and infinities included, as MessagePack has them),
 * {@code byte[]} and {@code ByteBuffer} as {@code bin} (a Node {@code Buffer}), strings as UTF-8 with
 * an unpaired surrogate written U+FFFD (what a Node client reads for one), lists and arrays, and maps
 * with string keys. Every other value (a record, a POJO, a set, an enum, a map with other keys, a
 * Jackson tree) is first turned into plain values by {@code toPlain}, the application's object
 * mapper, so that it reaches a client as it would in JSON. A value it cannot write (a cycle, nesting
 * past {@link #MAX_DEPTH}) throws {@link UncheckedIOException}, as JSON does. Not thread-safe: one per packet.
 */
final class MsgpackWriter {
    /** As deep as Jackson writes by default ({@code StreamWriteConstraints}): a cycle fails instead of overflowing the stack. */
    static final int MAX_DEPTH = 1000;

    private final UnaryOperator<Object> toPlain;
    private byte[] out = new byte[64];
    private int length;

    MsgpackWriter(UnaryOperator<Object> toPlain) {
        this.toPlain = toPlain;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(out, length);
    }

    void write(Object value) {
        write(value, 0, false);
    }

    /** A map's header: its entries follow as {@link #write(Object)} calls, key then value. */
    void mapHeader(int size) {
        header(size, 0x80, 0xde, 0xdf);
    }

    private void write(Object value, int depth, boolean converted) {
        if (depth > MAX_DEPTH) {
            throw unwritable("value nested deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        if (value == null) {
            put(0xc0);
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Boolean b) {
            put(b ? 0xc3 : 0xc2);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            integer(((Number) value).longValue());
        } else if (value instanceof Double d) {
            float64(d);
        } else if (value instanceof Float f) {
            float64(Double.parseDouble(Float.toString(f))); // 0.1f as 0.1, as JSON writes it
        } else if (value instanceof BigInteger big) {
            bigInteger(big);
        } else if (value instanceof BigDecimal decimal) {
            float64(decimal.doubleValue());
        } else if (value instanceof byte[] bytes) {
            binary(bytes, 0, bytes.length);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            binary(bytes, 0, bytes.length);
        } else if (value instanceof List<?> list) {
            header(list.size(), 0x90, 0xdc, 0xdd);
            for (Object item : list) {
                write(item, depth + 1, false);
            }
        } else if (value instanceof Object[] array) {
            header(array.length, 0x90, 0xdc, 0xdd);
            for (Object item : array) {
                write(item, depth + 1, false);
            }
        } else if (value instanceof Map<?, ?> map && stringKeys(map)) {
            header(map.size(), 0x80, 0xde, 0xdf);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                string((String) e.getKey());
                write(e.getValue(), depth + 1, false);
            }
        } else if (!converted) {
            write(toPlain.apply(value), depth, true);
        } else {
            throw unwritable("cannot write " + value.getClass().getName() + " as MessagePack");
        }
    }

    /**
     * As the JSON writer fails (Jackson's {@code JsonMappingException} wrapped): the server's callers
     * catch {@link UncheckedIOException} to report the application's mistake and still answer the client.
     */
    private static UncheckedIOException unwritable(String what) {
        return new UncheckedIOException(new IOException(what));
    }

    private static boolean stringKeys(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private void integer(long v) {
        if (v >= 0) {
            if (v < 0x80) {
                put((int) v);
            } else if (v < 0x100) {
                put(0xcc);
                put((int) v);
            } else if (v < 0x10000) {
                put(0xcd);
                put16((int) v);
            } else if (v < 0x100000000L) {
                put(0xce);
                put32((int) v);
            } else {
                put(0xcf);
                put64(v);
            }
        } else if (v >= -0x20) {
            put((int) v & 0xff);
        } else if (v >= -0x80) {
            put(0xd0);
            put((int) v & 0xff);
        } else if (v >= -0x8000) {
            put(0xd1);
            put16((int) v);
        } else if (v >= -0x80000000L) {
            put(0xd2);
            put32((int) v);
        } else {
            put(0xd3);
            put64(v);
        }
    }

    /** Past 64 bits, as a double: what JavaScript reads for such a number in JSON. */
    private void bigInteger(BigInteger big) {
        if (big.bitLength() < 64) {
            integer(big.longValue());
        } else if (big.signum() > 0 && big.bitLength() == 64) {
            put(0xcf);
            put64(big.longValue());
        } else {
            float64(big.doubleValue());
        }
    }

    private void float64(double v) {
        put(0xcb);
        put64(Double.doubleToRawLongBits(v));
    }

    private void binary(byte[] bytes, int from, int count) {
        if (count < 0x100) {
            put(0xc4);
            put(count);
        } else if (count < 0x10000) {
            put(0xc5);
            put16(count);
        } else {
            put(0xc6);
            put32(count);
        }
        ensure(count);
        System.arraycopy(bytes, from, out, length, count);
        length += count;
    }

    private void header(int size, int fix, int prefix16, int prefix32) {
        if (size < 0x10) {
            put(fix | size);
        } else if (size < 0x10000) {
            put(prefix16);
            put16(size);
        } else {
            put(prefix32);
            put32(size);
        }
    }

    /** Above this many characters, a string without surrogates is encoded by the JDK (vectorized for ASCII and Latin-1). */
    private static final int BULK_STRING = 32;

    private void string(String s) {
        int chars = s.length();
        if (chars > BULK_STRING && !hasSurrogate(s)) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length < 0x100) {
                put(0xd9);
                put(utf8.length);
            } else if (utf8.length < 0x10000) {
                put(0xda);
                put16(utf8.length);
            } else {
                put(0xdb);
                put32(utf8.length);
            }
            ensure(utf8.length);
            System.arraycopy(utf8, 0, out, length, utf8.length);
            length += utf8.length;
            return;
        }
        stringByChars(s);
    }

    /** The JDK writes an unpaired surrogate as '?': such strings are encoded here. */
    private static boolean hasSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** UTF-8 with U+FFFD for an unpaired surrogate; the length is known only once encoded, so room for the longest header is kept. */
    private void stringByChars(String s) {
        int chars = s.length();
        ensure(5 + 3 * chars);
        int start = length;
        int headerSize = chars < 0x20 ? 1 : chars < 0x100 ? 2 : chars < 0x10000 ? 3 : 5; // right for ASCII; moved below if not
        int at = start + headerSize;
        for (int i = 0; i < chars; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xc0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[at++] = (byte) (0xf0 | cp >> 18);
                out[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
                out[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
                out[at++] = (byte) (0x80 | cp & 0x3f);
            } else {
                char unit = Character.isSurrogate(c) ? '\uFFFD' : c;
                out[at++] = (byte) (0xe0 | unit >> 12);
                out[at++] = (byte) (0x80 | unit >> 6 & 0x3f);
                out[at++] = (byte) (0x80 | unit & 0x3f);
            }
        }
        int bytes = at - start - headerSize;
        int needed = bytes < 0x20 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5;
        if (needed != headerSize) {
            System.arraycopy(out, start + headerSize, out, start + needed, bytes);
        }
        length = start;
        if (needed == 1) {
            put(0xa0 | bytes);
        } else if (needed == 2) {
            put(0xd9);
            put(bytes);
        } else if (needed == 3) {
            put(0xda);
            put16(bytes);
        } else {
            put(0xdb);
            put32(bytes);
        }
        length = start + needed + bytes;
    }

    private void put(int b) {
        ensure(1);
        out[length++] = (byte) b;
    }

    private void put16(int v) {
        ensure(2);
        out[length++] = (byte) (v >> 8);
        out[length++] = (byte) v;
    }

    private void put32(int v) {
        ensure(4);
        out[length++] = (byte) (v >> 24);
        out[length++] = (byte) (v >> 16);
        out[length++] = (byte) (v >> 8);
        out[length++] = (byte) v;
    }

    private void put64(long v) {
        put32((int) (v >>> 32));
        put32((int) v);
    }

    private void ensure(int more) {
        if (length + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
        }
    }
}
