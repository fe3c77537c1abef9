package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.WsClient;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broadcast's WebSocket frame is built once per event loop and written to each recipient of the
 * loop as a view of one buffer: real clients of every WebSocket form (Engine.IO v4, v3, v3 with
 * base64 binary) on several loops each get every broadcast intact, in each header length form and
 * with binary attachments; clients that leave in the middle of a stream of broadcasts take nothing
 * from the others; and permessage-deflate clients in the same room still get compressed frames of
 * their own. Netty's leak detector watches every buffer (paranoid, see the build).
 */
class SharedBroadcastFramesTest {
    private static final int V4_CLIENTS = 18;
    private static final int V3_CLIENTS = 3;

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void everyClientOnEveryLoopGetsEachBroadcastIntactInItsOwnForm() {
        Set<String> loops = ConcurrentHashMap.newKeySet();
        Mailbox<Socket> joined = interop.mailbox("joined");
        Windsock server = roomServer(loops, joined);
        List<WsClient> v4 = new ArrayList<>();
        List<WsClient> v3 = new ArrayList<>();
        List<WsClient> v3base64 = new ArrayList<>();
        try {
            for (int i = 0; i < V4_CLIENTS; i++) {
                v4.add(joinV4(server));
            }
            for (int i = 0; i < V3_CLIENTS; i++) {
                v3.add(joinV3(server, ""));
                v3base64.add(joinV3(server, "&b64=1"));
            }
            awaitJoined(joined, V4_CLIENTS + 2 * V3_CLIENTS);
            assertTrue(loops.size() >= 2, "clients on one event loop only: " + loops);
            List<WsClient> everyone = new ArrayList<>(v4);
            everyone.addAll(v3);
            everyone.addAll(v3base64);

            // Payloads in each frame header form: 7-bit length, 16-bit, 64-bit.
            for (int length : new int[] {10, 300, 70_000}) {
                String text = text(length);
                server.to("room").emit("msg", text);
                for (WsClient client : everyone) {
                    assertEquals("42[\"msg\",\"" + text + "\"]", takeEvent(client), "a text of " + length);
                }
            }

            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 7);
            }
            server.to("room").emit("bin", (Object) data);
            String placeholder = "451-[\"bin\",{\"_placeholder\":true,\"num\":0}]";
            for (WsClient client : v4) {
                assertEquals(placeholder, takeEvent(client));
                assertArrayEquals(data, client.binaries().take(), "v4: the attachment as a binary frame");
            }
            byte[] withType = new byte[data.length + 1];
            withType[0] = 4; // Engine.IO v3's MESSAGE type byte
            System.arraycopy(data, 0, withType, 1, data.length);
            for (WsClient client : v3) {
                assertEquals(placeholder, takeEvent(client));
                assertArrayEquals(withType, client.binaries().take(), "v3: the type byte, then the attachment");
            }
            for (WsClient client : v3base64) {
                assertEquals(placeholder, takeEvent(client));
                assertEquals("b4" + Base64.getEncoder().encodeToString(data), takeEvent(client), "v3 b64: base64 text");
            }
        } finally {
            v4.forEach(WsClient::close);
            v3.forEach(WsClient::close);
            v3base64.forEach(WsClient::close);
        }
    }

    @Test
    void clientsThatLeaveDuringAStreamOfBroadcastsTakeNothingFromTheOthers() {
        Mailbox<Socket> joined = interop.mailbox("joined");
        Windsock server = roomServer(ConcurrentHashMap.newKeySet(), joined);
        int clients = 16;
        int leaving = 6;
        int broadcasts = 300;
        List<WsClient> all = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                all.add(joinV4(server));
            }
            awaitJoined(joined, clients);
            Thread sender = new Thread(() -> {
                for (int i = 0; i < broadcasts; i++) {
                    server.to("room").emit("n", i, text(200 + i * 10)); // up to 3 KB: many frames in flight
                }
            });
            sender.start();
            for (int i = 0; i < leaving; i++) {
                all.get(i).texts().take(); // has had a broadcast or its ping: the stream is on
                all.get(i).close();
            }
            for (WsClient client : all.subList(leaving, clients)) {
                for (int i = 0; i < broadcasts; i++) {
                    assertEquals("42[\"n\"," + i + ",\"" + text(200 + i * 10) + "\"]", takeEvent(client));
                }
            }
            joinQuietly(sender);
        } finally {
            all.forEach(WsClient::close);
        }
    }

    @Test
    void perMessageDeflateClientsInTheRoomGetCompressedFramesOfTheirOwn() {
        Windsock server = interop.server(o -> o.perMessageDeflate(true));
        Mailbox<Socket> joined = interop.mailbox("joined");
        server.of("/").onConnection(socket -> {
            socket.join("room");
            joined.put(socket);
        });
        // socket.io-client in Node offers permessage-deflate (threshold 1 KB); the JDK client does not.
        List<ClientSocket> compressed = new ArrayList<>();
        List<WsClient> plain = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ClientSocket client = interop.client()
                        .connect(interop.url(server, "/"), Map.of("transports", List.of("websocket")));
                client.expectConnect();
                compressed.add(client);
                joined.take();
                plain.add(joinV4(server));
                joined.take();
            }
            for (int length : new int[] {10, 5_000, 70_000}) {
                String text = text(length);
                server.to("room").emit("msg", text);
                for (ClientSocket client : compressed) {
                    assertEquals(text, client.expectEvent("msg").args().get(0).asText(), "deflate, " + length);
                }
                for (WsClient client : plain) {
                    assertEquals("42[\"msg\",\"" + text + "\"]", takeEvent(client), "plain, " + length);
                }
            }
        } finally {
            plain.forEach(WsClient::close);
        }
    }

    private Windsock roomServer(Set<String> loops, Mailbox<Socket> joined) {
        Windsock server = interop.server(o -> o.allowRequest(request -> {
            loops.add(Thread.currentThread().getName()); // the connection's event loop
            return true;
        }));
        server.of("/").onConnection(socket -> {
            socket.join("room");
            joined.put(socket);
        });
        return server;
    }

    private static void awaitJoined(Mailbox<Socket> joined, int count) {
        for (int i = 0; i < count; i++) {
            joined.take();
        }
    }

    private static WsClient joinV4(Windsock server) {
        WsClient ws = WsClient.open(server.port(), "/socket.io/?EIO=4&transport=websocket");
        assertTrue(ws.texts().take().startsWith("0{"));
        ws.sendText("40");
        assertTrue(ws.texts().take().startsWith("40{\"sid\""));
        return ws;
    }

    /** A socket.io-client 2.x as it speaks on a WebSocket: the server connects "/" by itself. */
    private static WsClient joinV3(Windsock server, String query) {
        WsClient ws = WsClient.open(server.port(), "/socket.io/?EIO=3&transport=websocket" + query);
        assertTrue(ws.texts().take().startsWith("0{"));
        assertEquals("40", ws.texts().take());
        return ws;
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

    private static String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + i % 26));
        }
        return text.toString();
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(Mailbox.DEFAULT_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
