package io.windsock.internal.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one MessagePack document into the plain values the JSON reader makes, as notepack.io (the
 * codec of {@code socket.io-msgpack-parser}) writes it:
 * <ul>
 * <li>integers as {@code Integer}, {@code Long}, or {@code BigInteger} above a long; floats (32 and 64
 *     bits) as {@code Double}; strings (malformed UTF-8 replaced by U+FFFD, as Node reads them),
 *     booleans, {@code null};</li>
 * <li>{@code bin} (a Node {@code Buffer}) and extension type 0 in an ext 8, 16 or 32 (an
 *     {@code ArrayBuffer} or typed array, as browsers send binary) as {@code byte[]};</li>
 * <li>extension type 0 of 1 byte ({@code undefined}): {@code null} in an array, the key left out in a
 *     map, as {@code JSON.stringify} would have it; of 8 bytes (a {@code Date}, milliseconds since the
 *     epoch) as the text {@code Date.toJSON} gives, e.g. {@code "2026-11-28T20:00:00.000Z"} (null past a
 *     Date's range, as for an invalid Date);</li>
 * <li>arrays as {@code ArrayList}, maps as {@code LinkedHashMap} with string keys.</li>
 * </ul>
 * Refused, as the JSON reader refuses their counterparts: a map key that is not a string, a key twice,
 * other extension types and a fixext of type 0 but of 1 or 8 bytes (notepack's Node decoder gives both as
 * {@code [type, Buffer]}), nesting deeper than the limit, a length past the document's end, and bytes
 * after the value. Iterative (the depth limit may allow thousands of levels); one instance per document.
 */
final class MsgpackReader {
    /** What {@code undefined} decodes to before its container places it. */
    static final Object UNDEFINED = new Object();
    /** Returned by {@link #next} when it opened a non-empty container. */
    private static final Object OPENED = new Object();
    /** Date.toJSON's form, for dates between the years 0 and 9999 (beyond, JavaScript writes six-digit years). */
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");
    private static final DateTimeFormatter AFTER_YEAR = DateTimeFormatter.ofPattern("-MM-dd'T'HH:mm:ss.SSS'Z'");
    /** The most milliseconds from the epoch a JavaScript Date holds. */
    private static final long MAX_DATE_MILLIS = 8_640_000_000_000_000L;

    private final byte[] in;
    private final int maxDepth;
    private int pos;
    private boolean sawNonFinite;

    /** @param maxDepth the deepest nesting of arrays and maps a {@link #value()} may hold */
    MsgpackReader(byte[] in, int maxDepth) {
        this.in = in;
        this.maxDepth = maxDepth;
    }

    /** Refuses bytes after the last value read. */
    void end() throws SocketDecodeException {
        if (pos != in.length) {
            throw invalid((in.length - pos) + " bytes after the MessagePack value");
        }
    }

    /** @return whether a value read so far held a non-finite number */
    boolean sawNonFinite() {
        return sawNonFinite;
    }

    /** @return the entries of the map that comes next, or -1 (nothing read) when what comes is not a map */
    long mapHeader() throws SocketDecodeException {
        need(1);
        int prefix = in[pos] & 0xff;
        if (prefix >= 0x80 && prefix <= 0x8f) {
            pos++;
            return prefix & 0x0f;
        }
        if (prefix == 0xde || prefix == 0xdf) {
            pos++;
            long count = prefix == 0xde ? u16() : u32();
            need(2 * count);
            return count;
        }
        return -1;
    }

    /**
     * Reads a map key without making a string of it.
     *
     * @param known ASCII keys
     * @return the index of the key in {@code known}, or -1 for another string
     * @throws SocketDecodeException when the key is not a string
     */
    int key(byte[][] known) throws SocketDecodeException {
        int prefix = u8();
        long length;
        if (prefix >= 0xa0 && prefix <= 0xbf) {
            length = prefix & 0x1f;
        } else if (prefix == 0xd9) {
            length = u8();
        } else if (prefix == 0xda) {
            length = u16();
        } else if (prefix == 0xdb) {
            length = u32();
        } else {
            throw invalid("a map key that is not a string");
        }
        need(length);
        int start = pos;
        pos += (int) length;
        for (int k = 0; k < known.length; k++) {
            if (java.util.Arrays.equals(in, start, pos, known[k], 0, known[k].length)) {
                return k;
            }
        }
        return -1;
    }

    /** Skips a value of any type, well-formed or not inside, without keeping it: what the reader ignores. */
    void skip() throws SocketDecodeException {
        long pending = 1;
        while (pending-- > 0) {
            int prefix = u8();
            if (prefix <= 0x7f || prefix >= 0xe0 || prefix == 0xc0 || prefix == 0xc2 || prefix == 0xc3) {
                continue;
            }
            long items = prefix <= 0x8f ? 2L * (prefix & 0x0f) : prefix <= 0x9f ? prefix & 0x0f
                    : prefix == 0xdc ? u16() : prefix == 0xdd ? u32() : prefix == 0xde ? 2L * u16() : prefix == 0xdf ? 2L * u32() : -1;
            if (items >= 0) {
                need(items); // an item takes a byte at least: the loop ends within the document
                pending += items;
                continue;
            }
            long bytes = switch (prefix) {
                case 0xc4, 0xd9 -> u8();
                case 0xc5, 0xda -> u16();
                case 0xc6, 0xdb -> u32();
                case 0xc7 -> u8() + 1L;
                case 0xc8 -> u16() + 1L;
                case 0xc9 -> u32() + 1L;
                case 0xcc, 0xd0 -> 1;
                case 0xcd, 0xd1 -> 2;
                case 0xca, 0xce, 0xd2 -> 4;
                case 0xcb, 0xcf, 0xd3 -> 8;
                case 0xd4 -> 2;
                case 0xd5 -> 3;
                case 0xd6 -> 5;
                case 0xd7 -> 9;
                case 0xd8 -> 17;
                default -> prefix <= 0xbf ? prefix & 0x1f : -1; // fixstr, or 0xc1
            };
            if (bytes < 0) {
                throw invalid("the reserved MessagePack byte 0xc1");
            }
            need(bytes);
            pos += (int) bytes;
        }
    }

    /** Reads one value: {@link #UNDEFINED} for a lone {@code undefined}. */
    Object value() throws SocketDecodeException {
        ArrayDeque<Container> open = new ArrayDeque<>();
        while (true) {
            Object value = next(open);
            if (value == OPENED) {
                continue;
            }
            while (true) {
                Container top = open.peek();
                if (top == null) {
                    return value;
                }
                if (!top.add(value)) {
                    break;
                }
                open.pop();
                value = top.result();
            }
        }
    }

    /** A container being filled: its items still to come, and for a map the key read last. */
    private static final class Container {
        private final List<Object> list;
        private final Map<String, Object> map;
        private long remaining;
        private String key;
        private boolean expectingKey = true;

        Container(List<Object> list, Map<String, Object> map, long remaining) {
            this.list = list;
            this.map = map;
            this.remaining = remaining;
        }

        /** @return whether the container is now complete */
        boolean add(Object value) throws SocketDecodeException {
            if (list != null) {
                list.add(value == UNDEFINED ? null : value);
                return --remaining == 0;
            }
            if (expectingKey) {
                if (!(value instanceof String name)) {
                    throw invalid("a map key that is not a string");
                }
                key = name;
                expectingKey = false;
                return false;
            }
            if (map.containsKey(key)) {
                throw invalid("a map key twice");
            }
            if (value != UNDEFINED) {
                map.put(key, value);
            }
            expectingKey = true;
            return --remaining == 0;
        }

        Object result() {
            return list != null ? list : map;
        }
    }

    /** Reads a scalar, an empty container, or the head of a container it then opens ({@link #OPENED}). */
    private Object next(ArrayDeque<Container> open) throws SocketDecodeException {
        int prefix = u8();
        if (prefix <= 0x7f) {
            return prefix;
        }
        if (prefix >= 0xe0) {
            return (int) (byte) prefix;
        }
        if (prefix <= 0x8f) {
            return map(prefix & 0x0f, open);
        }
        if (prefix <= 0x9f) {
            return array(prefix & 0x0f, open);
        }
        if (prefix <= 0xbf) {
            return string(prefix & 0x1f);
        }
        return switch (prefix) {
            case 0xc0 -> null;
            case 0xc2 -> Boolean.FALSE;
            case 0xc3 -> Boolean.TRUE;
            case 0xc4 -> bytes(u8());
            case 0xc5 -> bytes(u16());
            case 0xc6 -> bytes(u32());
            case 0xc7 -> extension(u8(), false);
            case 0xc8 -> extension(u16(), false);
            case 0xc9 -> extension(u32(), false);
            case 0xca -> floating(Float.intBitsToFloat((int) u32()));
            case 0xcb -> floating(Double.longBitsToDouble(s64()));
            case 0xcc -> u8();
            case 0xcd -> u16();
            case 0xce -> integer(u32());
            case 0xcf -> unsigned64(s64());
            case 0xd0 -> (int) (byte) u8();
            case 0xd1 -> (int) (short) u16();
            case 0xd2 -> (int) u32();
            case 0xd3 -> integer(s64());
            case 0xd4 -> extension(1, true);
            case 0xd5 -> extension(2, true);
            case 0xd6 -> extension(4, true);
            case 0xd7 -> extension(8, true);
            case 0xd8 -> extension(16, true);
            case 0xd9 -> string(u8());
            case 0xda -> string(u16());
            case 0xdb -> string(u32());
            case 0xdc -> array(u16(), open);
            case 0xdd -> array(u32(), open);
            case 0xde -> map(u16(), open);
            case 0xdf -> map(u32(), open);
            default -> throw invalid("the reserved MessagePack byte 0xc1");
        };
    }

    private Object array(long count, ArrayDeque<Container> open) throws SocketDecodeException {
        if (count == 0) {
            return new ArrayList<>(0);
        }
        need(count); // every item takes a byte at least: a header cannot announce more than the document holds
        return push(open, new Container(new ArrayList<>((int) Math.min(count, 16)), null, count));
    }

    private Object map(long count, ArrayDeque<Container> open) throws SocketDecodeException {
        if (count == 0) {
            return new LinkedHashMap<>(0);
        }
        need(2 * count);
        return push(open, new Container(null, new LinkedHashMap<>(), count));
    }

    private Object push(ArrayDeque<Container> open, Container container) throws SocketDecodeException {
        if (open.size() >= maxDepth) {
            throw new SocketDecodeException(SocketDecodeException.Reason.JSON_LIMIT,
                    "nesting depth exceeds the maximum allowed (" + maxDepth + ")");
        }
        open.push(container);
        return OPENED;
    }

    private String string(long length) throws SocketDecodeException {
        need(length);
        String value = new String(in, pos, (int) length, StandardCharsets.UTF_8);
        pos += (int) length;
        return value;
    }

    private byte[] bytes(long length) throws SocketDecodeException {
        need(length);
        byte[] value = new byte[(int) length];
        System.arraycopy(in, pos, value, 0, value.length);
        pos += value.length;
        return value;
    }

    /**
     * @param fixed a fixext: notepack writes undefined (1 byte) and dates (8) so, and binary as ext 8/16/32;
     *              its Node decoder gives any other fixext, type 0 too, as {@code [type, Buffer]}, which is
     *              refused here as other extension types are
     */
    private Object extension(long length, boolean fixed) throws SocketDecodeException {
        int type = (byte) u8();
        if (type != 0) {
            throw invalid("the MessagePack extension type " + type);
        }
        if (fixed && length == 1) {
            bytes(1);
            return UNDEFINED;
        }
        if (fixed && length == 8) {
            return dateToJson(s64());
        }
        if (fixed) {
            throw invalid("a MessagePack fixext of type 0 and " + length + " bytes");
        }
        return bytes(length);
    }

    /**
     * What {@code JSON.stringify} writes for {@code new Date(millis)}: ISO 8601 with milliseconds, the year
     * as six digits and a sign outside 0 to 9999, and null for a time past a Date's range (an invalid Date).
     */
    static String dateToJson(long millis) {
        if (millis > MAX_DATE_MILLIS || millis < -MAX_DATE_MILLIS) {
            return null;
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000),
                (int) Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.UTC);
        int year = time.getYear();
        if (year >= 0 && year <= 9999) {
            return ISO_MILLIS.format(time);
        }
        String digits = Integer.toString(Math.abs(year));
        return (year < 0 ? "-" : "+") + "0".repeat(6 - digits.length()) + digits + AFTER_YEAR.format(time);
    }

    private Double floating(double value) {
        if (!Double.isFinite(value)) {
            sawNonFinite = true;
        }
        return value;
    }

    private static Object integer(long value) {
        return value == (int) value ? (Object) (int) value : (Object) value;
    }

    private static Object unsigned64(long bits) {
        return bits >= 0 ? integer(bits) : new BigInteger(Long.toUnsignedString(bits));
    }

    private void need(long length) throws SocketDecodeException {
        if (length > in.length - pos) {
            throw invalid("a MessagePack length past the end of the packet");
        }
    }

    private int u8() throws SocketDecodeException {
        need(1);
        return in[pos++] & 0xff;
    }

    private int u16() throws SocketDecodeException {
        need(2);
        int value = (in[pos] & 0xff) << 8 | in[pos + 1] & 0xff;
        pos += 2;
        return value;
    }

    private long u32() throws SocketDecodeException {
        need(4);
        long value = (long) (in[pos] & 0xff) << 24 | (in[pos + 1] & 0xff) << 16 | (in[pos + 2] & 0xff) << 8
                | in[pos + 3] & 0xff;
        pos += 4;
        return value;
    }

    private long s64() throws SocketDecodeException {
        return u32() << 32 | u32();
    }

    private static SocketDecodeException invalid(String what) {
        return new SocketDecodeException(SocketDecodeException.Reason.INVALID_PAYLOAD, "invalid MessagePack: " + what);
    }
}
