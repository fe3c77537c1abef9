package io.windsock.interop.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.examples.chat.ChatServer;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo chat answers what a hostile page console sends with a message, never a server exception. */
class ChatDemoInputTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void badInputGetsAnAnswer() {
        try (Windsock server = ChatServer.start("127.0.0.1", 0)) {
            String url = "http://127.0.0.1:" + server.port();
            ClientSocket dana = interop.client().connect(url, Transport.WEBSOCKET.clientOptions());
            dana.expectConnect();
            assertEquals("Dana", dana.emitWithAck("login", "Dana").arg(0).get("nick").asText());

            // join(null) once threw inside the handler: the client got "internal error", the log a trace.
            assertEquals("Which room?", error(dana, "join", (Object) null));
            assertEquals("Which room?", error(dana, "join", "x".repeat(10_000)));
            assertEquals("There is no room #lobby.", error(dana, "join", "lobby"));
            assertEquals("Join a room first.", error(dana, "chat message", "hi"));
            assertEquals("Who is that?", error(dana, "private message", "\r\n".repeat(100), "hi"));

            // Look-alike nicknames: a Cyrillic a, another case, 1 for l.
            ClientSocket other = interop.client().connect(url, Transport.WEBSOCKET.clientOptions());
            other.expectConnect();
            assertEquals("A nickname is 1 to 20 ASCII letters, digits, '.', '-' or '_'.",
                    error(other, "login", "D\u0430na"));
            assertEquals("DANA is taken.", error(other, "login", "DANA"));
            assertEquals("Ivan", other.emitWithAck("login", "Ivan").arg(0).get("nick").asText());
            ClientSocket third = interop.client().connect(url, Transport.WEBSOCKET.clientOptions());
            third.expectConnect();
            assertEquals("lvan is taken.", error(third, "login", "lvan"));

            for (ClientSocket client : new ClientSocket[] {dana, other, third}) {  // before the server goes
                client.disconnect();
                client.expectDisconnect();
            }
        }
    }

    private static String error(ClientSocket client, String event, Object... args) {
        return client.emitWithAck(event, args).arg(0).get("error").asText();
    }
}
