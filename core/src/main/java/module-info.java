/**
 * Windsock, a Socket.IO server on Netty.
 *
 * <p>Exported: the facade ({@code io.windsock}: {@code Windsock}, {@code EngineIoServer}), the
 * server API ({@code io.windsock.server}), connection classes ({@code io.windsock.connection}), the
 * adapter SPI ({@code io.windsock.adapter}) with the packet model it carries
 * ({@code io.windsock.protocol}), and the Engine.IO settings and handshake request
 * ({@code io.windsock.engine}). Everything under {@code io.windsock.internal} may change at any time.
 *
 * <p>Connection classes and the values bound from events are reached by reflection. A modular
 * application therefore opens the packages that hold them: to this module (handler methods) and
 * to Jackson (records and POJOs bound from JSON), e.g.
 * {@code opens com.example.chat to io.windsock.core, com.fasterxml.jackson.databind;}.
 */
module io.windsock.core {
    requires transitive io.netty.handler;
    requires transitive com.fasterxml.jackson.databind;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.compression;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.classes.io_uring;
    requires org.slf4j;
    // The open-files limit behind the default maxConnections (UnixOperatingSystemMXBean).
    requires jdk.management;

    exports io.windsock;
    exports io.windsock.adapter;
    exports io.windsock.connection;
    exports io.windsock.engine;
    exports io.windsock.protocol;
    exports io.windsock.server;
}
