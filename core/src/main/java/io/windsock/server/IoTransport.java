package io.windsock.server;

/**
 * The socket layer the server's Netty event loops run on (not to be confused with the Engine.IO
 * transports, WebSocket and long-polling, which all run on it). Set with
 * {@link WindsockOptions.Builder#ioTransport}; the server's "listening" log line names the one in use.
 *
 * <p>The native transports need their Linux library on the classpath, which {@code windsock-core}
 * leaves to the application (optional dependencies): {@code io.netty:netty-transport-native-epoll}
 * or {@code netty-transport-native-io_uring}, classifier {@code linux-x86_64} or
 * {@code linux-aarch_64}. Without it, on macOS or Windows, or where the kernel or a seccomp profile
 * refuses io_uring, a native transport is unavailable and the server falls back to the next one,
 * down to {@link #NIO}, saying so once in its log. With the Redis adapter, add the epoll library
 * alone: with both libraries present Lettuce 7.2 fails to connect on Netty 4.2, unless its own use of
 * them is off ({@code -Dio.lettuce.core.epoll=false -Dio.lettuce.core.iouring=false}).
 */
public enum IoTransport {
    /** The default: {@link #EPOLL} where its library is present and loads, {@link #NIO} otherwise. */
    AUTO,
    /** Linux io_uring (kernel 5.14+): falls back to {@link #EPOLL}, then {@link #NIO}, where unavailable. */
    IO_URING,
    /** Linux epoll: falls back to {@link #NIO} where unavailable. */
    EPOLL,
    /** Java NIO: available everywhere. */
    NIO
}
