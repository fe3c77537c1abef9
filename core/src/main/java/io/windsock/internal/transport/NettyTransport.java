package io.windsock.internal.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.windsock.internal.log.Loggers;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * A Netty transport the server can run on, and the choice of the first available of a preference list.
 * The native ones are probed through Netty ({@code Epoll.isAvailable()}, {@code IoUring.isAvailable()}),
 * which loads their library once per JVM; an unavailable one is passed over for the next.
 */
public enum NettyTransport {
    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    private static final Logger log = Loggers.SERVER;
    /** The native transports already reported unavailable: one log line each per JVM, not one per server. */
    private static final Set<NettyTransport> reported = EnumSet.noneOf(NettyTransport.class);

    private final String displayName;

    NettyTransport(String displayName) {
        this.displayName = displayName;
    }

    /** @return the name the log line shows: "io_uring", "epoll" or "nio". */
    public String displayName() {
        return displayName;
    }

    /** @return whether Netty can run this transport here (its native library loaded and the kernel accepts it). */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    private Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** @return the first of {@code preferences} available here, NIO if none is. */
    public static NettyTransport choose(List<NettyTransport> preferences) {
        return choose(preferences, NettyTransport::isAvailable);
    }

    /** {@link #choose(List)} with the availability given (tests simulate a missing library). */
    static NettyTransport choose(List<NettyTransport> preferences, Predicate<NettyTransport> available) {
        for (NettyTransport candidate : preferences) {
            if (candidate == NIO || available.test(candidate)) {
                return candidate;
            }
            reportUnavailable(candidate);
        }
        return NIO;
    }

    private static void reportUnavailable(NettyTransport transport) {
        synchronized (reported) {
            if (!reported.add(transport)) {
                return;
            }
        }
        Throwable cause = transport.unavailabilityCause();
        String why = cause == null ? "not available" : cause.toString();
        if (cause instanceof UnsatisfiedLinkError) {
            // The native library is not on the class path: the usual case (an optional dependency), not news.
            log.debug("Netty transport {} unavailable here, trying the next: {}", transport.displayName, why);
        } else {
            log.info("Netty transport {} unavailable here, trying the next: {}", transport.displayName, why);
        }
    }
}
