package io.windsock.internal.sio1;

import java.util.ArrayList;
import java.util.List;

/**
 * The polling payload framing of protocol 1: one packet goes bare, several as repeated
 * {@code \ufffd<length>\ufffd<packet>}. Lengths count UTF-16 code units ({@link String#length()}),
 * as the JavaScript client counts them.
 */
public final class Sio1Frames {
    static final char MARK = '\ufffd';
    /** Enough digits for any length a body under the HTTP limit can carry; more is garbage. */
    private static final int MAX_LENGTH_DIGITS = 9;

    private Sio1Frames() {
    }

    public static String encode(List<String> packets) {
        if (packets.size() == 1) {
            return packets.get(0);
        }
        int size = 0;
        for (String packet : packets) {
            size += packet.length() + 12;
        }
        StringBuilder out = new StringBuilder(size);
        for (String packet : packets) {
            out.append(MARK).append(packet.length()).append(MARK).append(packet);
        }
        return out.toString();
    }

    /**
     * Splits a whole payload into packet texts, refusing one with more than {@code maxPackets}. The
     * server reads bodies with {@link #reader} instead, a slice at a time, and refuses none for its count.
     *
     * @param maxPackets the most packets one payload may hold
     * @throws Sio1DecodeException on a bad length, a truncated frame or too many packets
     */
    public static List<String> decode(String payload, int maxPackets) throws Sio1DecodeException {
        Reader reader = reader(payload);
        List<String> packets = reader.next(maxPackets);
        if (reader.hasNext() && !reader.next(1).isEmpty()) {
            throw new Sio1DecodeException("too many packets in one payload");
        }
        return packets;
    }

    /** @return a reader of the payload's packet texts, a slice at a time */
    public static Reader reader(String payload) {
        return new Reader(payload);
    }

    /**
     * A polling body split a slice of packets at a time, from the offset where the last slice ended: a
     * body of many small packets never becomes more than one slice of strings at once, and its reader
     * can stop between slices. Not thread-safe: one reader per body.
     */
    public static final class Reader {
        private final String payload;
        /** Where the next frame starts. */
        private int offset;
        private boolean done;

        private Reader(String payload) {
            this.payload = payload;
        }

        /** @return whether {@link #next} has more of the payload to split. */
        public boolean hasNext() {
            return !done;
        }

        /**
         * Splits off the next packets, in order, at most {@code maxPackets} of them (a payload that is
         * not framed is one packet, the whole of it, even empty).
         *
         * @throws Sio1DecodeException on a bad length or a truncated frame; the packets of earlier
         *                             slices stand, none of this one is returned
         */
        public List<String> next(int maxPackets) throws Sio1DecodeException {
            if (done) {
                return List.of();
            }
            if (payload.isEmpty() || payload.charAt(0) != MARK) {
                done = true;
                return List.of(payload);
            }
            List<String> packets = new ArrayList<>(Math.min(maxPackets, 1024));
            int i = offset;
            while (i < payload.length() && packets.size() < maxPackets) {
                if (payload.charAt(i) != MARK) {
                    throw new Sio1DecodeException("frame does not start with U+FFFD");
                }
                int lengthEnd = payload.indexOf(MARK, i + 1);
                if (lengthEnd < 0 || lengthEnd == i + 1 || lengthEnd - i - 1 > MAX_LENGTH_DIGITS) {
                    throw new Sio1DecodeException("bad frame length");
                }
                int length = 0;
                for (int j = i + 1; j < lengthEnd; j++) {
                    char c = payload.charAt(j);
                    if (c < '0' || c > '9') {
                        throw new Sio1DecodeException("bad frame length");
                    }
                    length = length * 10 + (c - '0');
                }
                int start = lengthEnd + 1;
                if (length > payload.length() - start) {
                    throw new Sio1DecodeException("frame longer than the payload");
                }
                packets.add(payload.substring(start, start + length));
                i = start + length;
            }
            offset = i;
            done = i == payload.length();
            return packets;
        }
    }
}
