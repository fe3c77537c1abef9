package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Transport;
import io.windsock.server.IoTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server on each Netty transport available on this machine (NIO always; epoll and io_uring where
 * Netty can load and run them), with the npm socket.io-client over WebSocket, long-polling and an
 * upgrade: each connects and gets its acked echo, binary included.
 */
class NettyTransportsTest {
    @RegisterExtension
    final Interop interop = new Interop();

    static Stream<IoTransport> availableHere() {
        List<IoTransport> transports = new ArrayList<>(List.of(IoTransport.NIO));
        if (Epoll.isAvailable()) {
            transports.add(IoTransport.EPOLL);
        }
        if (IoUring.isAvailable()) {
            transports.add(IoTransport.IO_URING);
        }
        return transports.stream();
    }

    @ParameterizedTest
    @MethodSource("availableHere")
    void aRealClientIsServedOnEveryClientTransport(IoTransport transport) {
        Windsock server = interop.server(o -> o.ioTransport(transport));
        assertEquals(transport, server.ioTransport(), "the transport asked for, available here, is the one used");
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
        for (Transport client : Transport.values()) {
            ClientSocket socket = interop.client().connect(interop.url(server, "/"), client.clientOptions());
            socket.expectConnect();
            if (client == Transport.UPGRADE) {
                socket.awaitUpgrade();
            }
            assertEquals(client.finalTransport(), socket.transport());
            assertEquals("[\"hello " + client + "\",{\"n\":1}]",
                    socket.emitWithAck("echo", "hello " + client, java.util.Map.of("n", 1)).args().toString(),
                    client + " on " + transport);
        }
    }

    @Test
    void theDefaultIsEpollWhereAvailableAndNioOtherwise() {
        Windsock server = interop.server(o -> o);
        assertEquals(Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO, server.ioTransport());
    }
}
