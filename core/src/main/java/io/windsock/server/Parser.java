package io.windsock.server;

/**
 * How Socket.IO packets are written on Engine.IO connections (clients 2.x to 4.x), as the Node
 * server's {@code parser} option; set with {@link WindsockOptions.Builder#parser}. The clients must
 * use the same one. Socket.IO 0.9 clients ({@link Protocol1Options}) keep their own format.
 */
public enum Parser {
    /**
     * The default, {@code socket.io-parser}'s: a text message per packet, JSON arguments, and binary
     * parts as separate binary messages after it.
     */
    DEFAULT,
    /**
     * {@code socket.io-msgpack-parser}'s (3.x, for socket.io-client 3 and 4; 2.x clients with its 2.x):
     * one binary MessagePack message per packet, binary parts inline. Smaller packets where arguments
     * are numbers or binary. Clients opt in with {@code io(url, { parser: require("socket.io-msgpack-parser") })},
     * or in a browser with the {@code socket.io.msgpack.min.js} build. What arrives reaches handlers as
     * the same values JSON would give: a {@code Date} as its ISO text, {@code undefined} as
     * {@code null} (or no key in an object), an {@code ArrayBuffer} or {@code Buffer} as {@code byte[]}.
     */
    MSGPACK
}
