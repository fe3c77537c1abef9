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
     * Splits a payload into packet texts.
     *
     * @param maxPackets the most packets one payload may hold
     * @throws Sio1DecodeException on a bad length, a truncated frame or too many packets
     */
    public static List<String> decode(String payload, int maxPackets) throws Sio1DecodeException {
        if (payload.isEmpty() || payload.charAt(0) != MARK) {
            return List.of(payload);
        }
        List<String> packets = new ArrayList<>();
        int i = 0;
        while (i < payload.length()) {
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
            if (packets.size() == maxPackets) {
                throw new Sio1DecodeException("too many packets in one payload");
            }
            packets.add(payload.substring(start, start + length));
            i = start + length;
        }
        return packets;
    }
}
