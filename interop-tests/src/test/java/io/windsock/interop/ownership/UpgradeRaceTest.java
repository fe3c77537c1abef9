package io.windsock.interop.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.RawHttp;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Once the client has sent UPGRADE over its WebSocket, a poll on another connection is refused
 * with 400, as the Node server answers (it reads both on one thread, in order). Each round opens
 * exactly three connections on a fresh server (handshake, WebSocket, poll), so with Netty's
 * round-robin over two or more loops the WebSocket is always accepted on another loop than the
 * handshake that made the session.
 */
class UpgradeRaceTest {
    private static final int ROUNDS = Integer.getInteger("windsock.interop.raceRounds", 200);

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void aPollSentAfterUpgradeIsAlwaysRefused() {
        Windsock server = interop.server(o -> o);
        int port = server.port();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            String sid = handshake(port);
            try (RawHttp ws = RawHttp.connect(port)) {
                assertEquals(101, ws.upgrade("/socket.io/?EIO=4&transport=websocket&sid=" + sid).status());
                ws.write(RawHttp.maskedTextFrame("2probe"));
                assertEquals("3probe", ws.readFrame().text());
                ws.write(RawHttp.maskedTextFrame("5"));
                RawHttp.Response poll = RawHttp.request(port, "GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, null);
                statuses.merge(poll.status(), 1, Integer::sum);
            }
        }
        assertEquals(Map.of(400, ROUNDS), statuses, "statuses of a poll after UPGRADE over " + ROUNDS + " rounds");
    }

    /**
     * As the official socket.io suite does it: probe and UPGRADE sent at once after the 101, without
     * waiting for "3probe", then the poll. The WebSocket may still be on its way to the session's
     * loop when the poll gets there.
     */
    @Test
    void aPollSentRightAfterAnUnansweredProbeAndUpgradeIsAlwaysRefused() {
        Windsock server = interop.server(o -> o);
        int port = server.port();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            String sid = handshake(port);
            try (RawHttp ws = RawHttp.connect(port)) {
                assertEquals(101, ws.upgrade("/socket.io/?EIO=4&transport=websocket&sid=" + sid).status());
                ws.write(RawHttp.maskedTextFrame("2probe"));
                ws.write(RawHttp.maskedTextFrame("5"));
                RawHttp.Response poll = RawHttp.request(port, "GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, null);
                statuses.merge(poll.status(), 1, Integer::sum);
                assertEquals("3probe", ws.readFrame().text());
            }
        }
        assertEquals(Map.of(400, ROUNDS), statuses, "statuses of a poll after UPGRADE over " + ROUNDS + " rounds");
    }

    private static String handshake(int port) {
        RawHttp.Response open = RawHttp.request(port, "GET", "/socket.io/?EIO=4&transport=polling", null);
        assertEquals(200, open.status());
        JsonNode handshake = Json.parse(open.body().substring(1));
        return handshake.get("sid").asText();
    }
}
