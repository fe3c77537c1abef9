package io.windsock.internal.transport;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.log.Loggers;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/** The Netty server: one listening socket, HTTP/1.1 with WebSocket upgrade, Engine.IO under one path. */
public final class HttpServer {
    private static final Logger log = Loggers.TRANSPORT;
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 16384;
    /** Responses smaller than this are not worth compressing (the Node server's default threshold). */
    private static final int COMPRESSION_THRESHOLD = 1024;

    private final TransportConfig config;
    private final EngineServer engine;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private NettyTransport transport;

    private final Predicate<NettyTransport> available;
    private final UnaryOperator<IoHandlerFactory> ioHandlers;
    /** Set once the server ends its threads: a loop that ends before that died of an error. */
    private volatile boolean releasing;

    public HttpServer(TransportConfig config, EngineServer engine) {
        this(config, engine, NettyTransport::isAvailable, UnaryOperator.identity());
    }

    /**
     * With the transports' availability given and the event loops' I/O handlers wrapped: tests simulate
     * a platform without a native library, or an event loop that dies of an error.
     */
    HttpServer(TransportConfig config, EngineServer engine, Predicate<NettyTransport> available,
            UnaryOperator<IoHandlerFactory> ioHandlers) {
        this.config = config;
        this.engine = engine;
        this.available = available;
        this.ioHandlers = ioHandlers;
    }

    /**
     * Binds and returns the address bound (port 0 picks a free port). On any failure everything
     * started so far (listening channels, event loops, the protocol-1 front end's) is released first.
     *
     * @throws UncheckedIOException when a port cannot be listened on (see {@link #listen})
     */
    public InetSocketAddress start(String host, int port, int ioThreads) throws InterruptedException {
        HttpServerSettings settings = config.server();
        transport = NettyTransport.choose(settings.transports(), available);
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("windsock-accept", false),
                ioHandlers.apply(transport.ioHandlerFactory()));
        // One event loop per core: a loop that finds several messages per wake-up costs less per message.
        int threads = ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
        workerGroup = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("windsock-io", false),
                ioHandlers.apply(transport.ioHandlerFactory()));
        watchForDeadLoops();
        // A live client always has traffic within a ping period; anything quieter is dead or hostile.
        long engineIdle = config.engine().pingInterval().plus(config.engine().pingTimeout()).toMillis() + 1000;
        long idleMillis = config.legacy() == null ? engineIdle : Math.max(engineIdle, config.legacy().idleMillis());
        ConnectionLimiter connections = new ConnectionLimiter(settings.maxConnections());
        var webSocketDecoding = WebSocketHandshakers.decoding(config);
        ResponseHeaderHooks headerHooks = ResponseHeaderHooks.of(config.engine());
        // One allocator for all connections (each still gets its own handle), not one per connection.
        var receiveSizes = new AdaptiveRecvByteBufAllocator();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, receiveSizes)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!connections.admit(ch)) {
                            ch.close();
                            return;
                        }
                        ChannelPipeline p = ch.pipeline();
                        if (settings.sslContext() != null) {
                            p.addLast(settings.sslContext().newHandler(ch.alloc()));
                        }
                        // The backstop for a request being answered (not one its session holds) and for 0.9
                        // WebSockets; the HTTP phases have their own, shorter timeouts, and an Engine.IO
                        // WebSocket drops it at its 101.
                        p.addLast(new IdleCloser(idleMillis));
                        RequestTimeouts timeouts = new RequestTimeouts(settings, config.engine().maxPendingOutboundBytes());
                        p.addLast(timeouts.bytes());
                        p.addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
                        p.addLast(timeouts.messages());
                        if (config.httpCompression()) {
                            p.addLast(new ResponseCompressor(COMPRESSION_THRESHOLD,
                                StandardCompressionOptions.gzip(), StandardCompressionOptions.deflate()));
                        }
                        p.addLast(new HttpObjectAggregator(config.engine().maxHttpBufferSize()));
                        if (config.perMessageDeflate()) {
                            p.addLast(WebSocketHandshakers.compression(config));
                        }
                        p.addLast(new EngineHttpHandler(config, engine, webSocketDecoding, headerHooks));
                    }
                });
        try {
            serverChannel = listen(bootstrap, host, port);
            if (config.legacy() != null) {
                config.legacy().start(bossGroup, workerGroup, transport.serverChannelClass(), host,
                        ((InetSocketAddress) serverChannel.localAddress()).getPort(), connections::admit);
            }
        } catch (Throwable e) {
            // Whatever failed, nothing started here may outlive it: a bound port would keep serving,
            // and the (non-daemon) event loops would keep the JVM alive.
            stop();
            throw e;
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Binds a listening channel and waits for it. Netty's {@code sync()} would rethrow a failed bind
     * as the checked exception it is, undeclared; here it is always the same unchecked one.
     *
     * @return the bound channel
     * @throws UncheckedIOException when the address cannot be listened on (in use, not local, not
     *                              resolvable...); its cause is a {@link BindException} naming the
     *                              address, caused by what the transport reported
     * @throws InterruptedException when interrupted while waiting; the channel is then closed
     */
    public static Channel listen(AbstractBootstrap<?, ?> bootstrap, String host, int port) throws InterruptedException {
        ChannelFuture bound = bootstrap.bind(host, port);
        try {
            bound.await();
        } catch (InterruptedException e) {
            bound.channel().close();
            throw e;
        }
        if (bound.isSuccess()) {
            return bound.channel();
        }
        Throwable cause = bound.cause();
        String message = "cannot listen on " + host + ":" + port + ": " + cause.getMessage();
        // The native transports report a port in use as their own IOException: callers see one type.
        BindException bind = cause instanceof BindException b ? b : new BindException(message);
        if (bind != cause) {
            bind.initCause(cause);
        }
        throw new UncheckedIOException(message, bind);
    }

    /**
     * Closes a listening channel and waits for it. A failure is logged, not thrown: a close the accept
     * loop refused (it died of an error) must not cut short the stop that releases everything else.
     */
    public static void closeListening(Channel listening) {
        ChannelFuture closed = listening.close().awaitUninterruptibly();
        if (!closed.isSuccess()) {
            log.warn("closing the listening socket {} failed", listening.localAddress(), closed.cause());
        }
    }

    /** @return the Netty transport the server runs on, once started. */
    public NettyTransport transport() {
        return transport;
    }

    /** Stops accepting, closes every session ("server shutting down") and releases the threads. */
    public void stop() {
        stopAccepting();
        shutdownSessions();
        releaseThreads(2000);
    }

    /** Closes the listening socket: no new connection is accepted. Not on one of this server's threads. */
    public void stopAccepting() {
        if (serverChannel != null) {
            closeListening(serverChannel);
        }
    }

    /**
     * Closes every session still open ("server shutting down"), lets the event loops run what is
     * queued (pending writes, close frames), then ends them, waiting up to {@code timeoutMillis}.
     * Not on one of this server's threads.
     */
    public void closeSessionsAndReleaseThreads(long timeoutMillis) {
        shutdownSessions();
        releaseThreads(timeoutMillis);
    }

    private void shutdownSessions() {
        engine.shutdown();
        if (config.legacy() != null) {
            config.legacy().shutdown();
        }
    }

    private void releaseThreads(long timeoutMillis) {
        releasing = true;
        long timeout = Math.max(100, timeoutMillis);
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(50, timeout, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeout + 1000);
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeout + 1000);
        }
    }

    /**
     * A loop that ends before the server releases it died of an error (Netty logged why, as "Unexpected
     * exception from an event executor"). Its sessions, Engine.IO's and 0.9's, are closed then ("transport
     * error"), on the thread that completes its termination, so that their clients reconnect to a live
     * loop and the application's close listeners run, rather than staying open on a thread that never
     * serves them.
     */
    private void watchForDeadLoops() {
        for (EventExecutor executor : workerGroup) {
            EventLoop loop = (EventLoop) executor;
            loop.terminationFuture().addListener(ended -> {
                if (!releasing) {
                    closeSessionsOf(loop);
                }
            });
        }
        bossGroup.next().terminationFuture().addListener(ended -> {
            if (!releasing) {
                log.error("the thread accepting connections ended unexpectedly: no new connection is accepted");
            }
        });
    }

    private void closeSessionsOf(EventLoop loop) {
        Predicate<EngineScheduler> onLoop = scheduler -> scheduler instanceof NettyScheduler s && s.loop() == loop;
        List<EngineSession> lost = new ArrayList<>();
        for (EngineSession session : engine.sessions()) {
            if (onLoop.test(session.scheduler())) {
                lost.add(session);
            }
        }
        int legacy = config.legacy() == null ? 0 : config.legacy().closeSessionsOn(onLoop);
        log.error("a network thread ended unexpectedly: closing the {} sessions it served", lost.size() + legacy);
        for (EngineSession session : lost) {
            session.closeAsTransportError("its network thread ended");
        }
    }

    /** @return whether the current thread is one of this server's event loops (which must never block). */
    public boolean isEventLoopThread() {
        return inGroup(workerGroup) || inGroup(bossGroup);
    }

    private static boolean inGroup(EventLoopGroup group) {
        if (group == null) {
            return false;
        }
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }
}
