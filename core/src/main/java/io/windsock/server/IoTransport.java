package io.windsock.server;

/**
 * The socket layer the server's Netty event loops run on (not to be confused with the Engine.IO
 * transports, WebSocket and long-polling, which all run on it). Set with
 * {@link WindsockOptions.Builder#ioTransport}; the server's "listening" log line names the one in use.
 *
 * <p>The native transports need their Linux library: {@code windsock-core} brings the one for
 * Linux x86-64. On any other platform (macOS, Windows, Linux on ARM without the
 * {@code linux-aarch_64} jars of {@code netty-transport-native-epoll} and
 * {@code netty-transport-native-io_uring}), or where the kernel or a seccomp profile refuses
 * io_uring, a native transport is unavailable and the server falls back to the next one, down to
 * {@link #NIO}, saying so once in its log.
 */
public enum IoTransport {
    /** The default: {@link #EPOLL} where available, {@link #NIO} otherwise (see docs/benchmarks.md for why). */
    AUTO,
    /** Linux io_uring (kernel 5.14+): falls back to {@link #EPOLL}, then {@link #NIO}, where unavailable. */
    IO_URING,
    /** Linux epoll: falls back to {@link #NIO} where unavailable. */
    EPOLL,
    /** Java NIO: available everywhere. */
    NIO
}
