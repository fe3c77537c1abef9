package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The default handler pool runs about one handler per core at once, and gives a handler that
 * blocks a thread of its own: here every connection's handler waits until all of them have entered,
 * which only ends if each got its own thread. Real pool, two event loops, the real socket.io-client.
 */
class BlockingHandlersTest {
    private static final int CLIENTS = 12;

    @RegisterExtension
    final Interop interop = new Interop();

    @ParameterizedTest
    @EnumSource(Transport.class)
    void handlersBlockedAtOnceEachGetAThread(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2));
        CountDownLatch allEntered = new CountDownLatch(CLIENTS);
        server.of("/").onConnection(socket -> socket.on("wait", (args, ack) -> {
            allEntered.countDown();
            try {
                ack.send(allEntered.await(20, TimeUnit.SECONDS) ? "all in" : "alone");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        NodeClient node = interop.client();
        List<ClientSocket> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            ClientSocket client = node.connect(interop.url(server, "/"), transport.clientOptions());
            client.expectConnect();
            if (transport == Transport.UPGRADE) {
                client.awaitUpgrade();
            }
            clients.add(client);
        }
        int[] seqs = new int[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            seqs[i] = clients.get(i).emitWithAckLater("wait", null);
        }
        for (int i = 0; i < CLIENTS; i++) {
            assertEquals(Json.array("all in"), clients.get(i).expectAck(seqs[i]).args(), "client " + i);
        }
    }
}
