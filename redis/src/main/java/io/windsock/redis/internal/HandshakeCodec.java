package io.windsock.redis.internal;

import io.windsock.engine.EngineRequest;
import io.windsock.server.Handshake;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A handshake as socket.io (Node) sends it in a REMOTE_FETCH response: {@code {headers, time, address,
 * xdomain, secure, issued, url, query, auth}}, headers and query values as strings (an array when a
 * name repeats), {@code time} as JavaScript's {@code Date.toString()}, {@code issued} in epoch ms.
 */
public final class HandshakeCodec {
    private static final DateTimeFormatter JS_DATE = DateTimeFormatter
            .ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /**
     * Literals that {@link InetAddress#getByName} parses without a lookup: dotted-quad IPv4, and IPv6
     * (with a ':'). Anything else stays unresolved: a name would mean a DNS lookup on the thread that
     * reads from Redis, for each address another node (or anyone publishing) sends.
     */
    private static final Pattern IPV4_LITERAL = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private HandshakeCodec() {
    }

    /** @return the handshake in Node's shape */
    public static Map<String, Object> write(Handshake handshake) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> headers = new LinkedHashMap<>();
        handshake.headers().forEach((name, values) -> headers.put(name, headerValue(name, values)));
        out.put("headers", headers);
        Instant time = handshake.time() == null ? Instant.EPOCH : handshake.time();
        out.put("time", JS_DATE.format(time));
        InetSocketAddress address = handshake.address();
        out.put("address", address == null ? null
                : address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress());
        out.put("xdomain", handshake.crossDomain());
        out.put("secure", handshake.secure());
        out.put("issued", time.toEpochMilli());
        out.put("url", handshake.url());
        Map<String, Object> query = new LinkedHashMap<>();
        handshake.query().forEach((name, values) -> query.put(name, values.size() == 1 ? values.get(0) : values));
        out.put("query", query);
        out.put("auth", handshake.auth());
        return out;
    }

    /** Node joins repeated headers with ", " (cookies with "; "), except set-cookie, which stays a list. */
    private static Object headerValue(String name, List<String> values) {
        if (name.equals("set-cookie")) {
            return values;
        }
        if (values.size() == 1) {
            return values.get(0);
        }
        return String.join(name.equals("cookie") ? "; " : ", ", values);
    }

    /**
     * @return a handshake from Node's shape; what is missing or of the wrong type reads as absent
     *         (no headers, the epoch, no address)
     */
    public static Handshake read(Object raw) {
        Map<String, Object> map = Messages.map(raw);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Messages.map(map.get("headers")).forEach((name, value) -> {
            List<String> values = strings(value);
            if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values);
            }
        });
        Map<String, List<String>> query = new LinkedHashMap<>();
        Messages.map(map.get("query")).forEach((name, value) -> query.put(name, strings(value)));
        String url = map.get("url") instanceof String s ? s : "";
        boolean secure = Boolean.TRUE.equals(map.get("secure"));
        EngineRequest request = new EngineRequest("GET", url, query, headers, address(map.get("address")), secure);
        Instant time = map.get("issued") instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : Instant.EPOCH;
        return new Handshake(request, Messages.map(map.get("auth")), time);
    }

    private static List<String> strings(Object value) {
        if (value instanceof Collection<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object element : list) {
                if (element != null) {
                    out.add(String.valueOf(element));
                }
            }
            return out;
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }

    /** @return whether {@link InetAddress#getByName} takes the text as a literal, with no DNS lookup */
    static boolean isLiteral(String text) {
        return IPV4_LITERAL.matcher(text).matches() || IPV6_LITERAL.matcher(text).matches();
    }

    private static InetSocketAddress address(Object value) {
        if (!(value instanceof String text) || text.isEmpty()) {
            return null;
        }
        if (isLiteral(text)) {
            try {
                return new InetSocketAddress(InetAddress.getByName(text), 0);
            } catch (UnknownHostException e) {
                // not a valid literal after all: keep the text
            }
        }
        return InetSocketAddress.createUnresolved(text, 0);
    }
}
