package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.WsClient;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Room broadcasts sent from several handler threads at once to clients on several event loops (the
 * default handler pool, three loops): every client hears every broadcast exactly once, and each
 * sender's broadcasts in the order it sent them. Drains of one loop run in one pass for all its
 * clients, so this is where a client lost, drained twice or reordered in that pass would show.
 */
class BroadcastFromManyThreadsTest {
    private static final String WEBSOCKET = "/socket.io/?EIO=4&transport=websocket";
    private static final int CLIENTS = 12;
    private static final int SENDERS = 4;
    private static final int PER_SENDER = 50;
    private static final int ROUNDS = 20;
    private static final Pattern MESSAGE = Pattern.compile("42\\[\"msg\",(\\d+),(\\d+)]");

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void everyClientHearsEveryBroadcastOnceInEachSendersOrder() {
        Set<String> handshakeThreads = ConcurrentHashMap.newKeySet();
        Windsock server = interop.server(o -> o.allowRequest(request -> {
            handshakeThreads.add(Thread.currentThread().getName()); // the connection's event loop
            return true;
        }));
        Mailbox<Socket> joined = interop.mailbox("joined");
        server.of("/").onConnection(socket -> {
            socket.join("room");
            // A handler thread of the pool per event; one sender's events run one after another.
            socket.on("say", (args, ack) -> server.to("room").emit("msg", args.get(0), args.get(1)));
            joined.put(socket);
        });
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                WsClient ws = WsClient.open(server.port(), WEBSOCKET);
                clients.add(ws);
                assertTrue(ws.texts().take().startsWith("0{"));
                ws.sendText("40");
                assertTrue(ws.texts().take().startsWith("40{\"sid\""));
            }
            for (int i = 0; i < CLIENTS; i++) {
                joined.take();
            }
            assertTrue(handshakeThreads.size() >= 2, "clients on one event loop only: " + handshakeThreads);

            int[][] next = new int[CLIENTS][SENDERS]; // per client, per sender: the next sequence number expected
            for (int round = 0; round < ROUNDS; round++) {
                int first = round * PER_SENDER;
                List<CompletableFuture<Void>> sending = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    WsClient sender = clients.get(s);
                    int from = s;
                    sending.add(CompletableFuture.runAsync(() -> {
                        for (int k = first; k < first + PER_SENDER; k++) {
                            sender.sendText("42[\"say\"," + from + "," + k + "]");
                        }
                    }));
                }
                sending.forEach(CompletableFuture::join);
                for (int c = 0; c < CLIENTS; c++) {
                    for (int n = 0; n < SENDERS * PER_SENDER; n++) {
                        String text = takeEvent(clients.get(c));
                        Matcher m = MESSAGE.matcher(text);
                        assertTrue(m.matches(), "client " + c + ", round " + round + ": " + text);
                        int from = Integer.parseInt(m.group(1));
                        int seq = Integer.parseInt(m.group(2));
                        assertEquals(next[c][from], seq, "client " + c + ", round " + round + ", sender " + from);
                        next[c][from]++;
                    }
                }
            }
            // Nothing more (no copy) is on its way: the next thing each client hears is this.
            server.to("room").emit("end");
            for (int c = 0; c < CLIENTS; c++) {
                assertEquals("42[\"end\"]", takeEvent(clients.get(c)), "client " + c);
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /** The next text frame that is not a ping (answered, as a client would). */
    private static String takeEvent(WsClient ws) {
        while (true) {
            String text = ws.texts().take();
            if (!"2".equals(text)) {
                return text;
            }
            ws.sendText("3");
        }
    }
}
