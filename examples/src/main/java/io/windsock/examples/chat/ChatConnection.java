package io.windsock.examples.chat;

import io.windsock.connection.Args;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Namespace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One browser tab in the chat. Each event the page emits calls the method of that name, one at a
 * time; what a method returns is the acknowledgement the page waits for (the tick beside a message).
 */
public class ChatConnection extends SocketConnection {
    private static final String UNAVAILABLE = "Nicknames are unavailable right now; try again.";

    /** Nickname key ({@link ChatRules#nicknameKey}) to socket id: the names taken, on this node or the cluster. */
    private final Nicknames nicknames;
    private String nick;   // null until login
    private String room;   // the one room this tab is in, null until it joins one

    ChatConnection(Nicknames nicknames) {
        this.nicknames = nicknames;
    }

    @Event
    public Map<String, Object> login(String wanted) {
        String name = wanted == null ? "" : wanted.strip();
        if (nick != null) {
            return error("You are " + nick + " already.");
        }
        String problem = ChatRules.nicknameProblem(name);
        if (problem != null) {
            return error(problem);
        }
        try {
            if (!nicknames.claim(key(name), socket().id())) {
                return error(name + " is taken.");
            }
        } catch (Nicknames.UnavailableException e) {
            return error(UNAVAILABLE);
        }
        nick = name;
        socket().data().put("nick", nick);  // others see it through fetchSockets()
        return Map.of("nick", nick, "rooms", roomSizes());
    }

    @Event
    public Map<String, Object> join(String name) {
        if (nick == null) {
            return error("Log in first.");
        }
        if (!ChatRules.isRoom(name)) {
            return error(name == null || name.length() > ChatRules.MAX_NICKNAME
                    ? "Which room?" : "There is no room #" + name + ".");
        }
        if (!name.equals(room)) {
            leaveRoom();
            room = name;
            socket().join(room);
            socket().to(room).emit("joined", Args.named("room", room, "nick", nick));
            roomChanged(room);
        }
        return Map.of("room", room, "members", members(room));
    }

    @Event("chat message")
    public Map<String, Object> chatMessage(String text) {
        if (room == null) {
            return error("Join a room first.");
        }
        String message = ChatRules.message(text);
        if (message == null) {
            return error("Say something.");
        }
        long time = System.currentTimeMillis();
        socket().to(room).emit("chat message",
                Args.named("room", room, "from", nick, "text", message, "time", time));
        return Map.of("time", time);
    }

    @Event("private message")
    public Map<String, Object> privateMessage(String to, String text) {
        String id;
        try {
            id = nick == null || to == null || ChatRules.nicknameProblem(to) != null ? null : nicknames.owner(key(to));
        } catch (Nicknames.UnavailableException e) {
            return error(UNAVAILABLE);
        }
        if (id == null) {
            return error(ChatRules.nicknameProblem(to) == null ? to + " is not online." : "Who is that?");
        }
        String message = ChatRules.message(text);
        if (message == null) {
            return error("Say something.");
        }
        long time = System.currentTimeMillis();
        // The owner's socket id is a room on every node, so this reaches it wherever it is connected.
        socket().to(id).emit("private message", Args.named("from", nick, "to", to, "text", message, "time", time));
        return Map.of("time", time);
    }

    @Event
    public void typing(boolean typing) {
        if (room != null) {  // volatile: a lost "typing" costs nothing, so never queue it
            socket().to(room).volatileEvents().emit("typing", Args.named("room", room, "nick", nick, "typing", typing));
        }
    }

    @Override
    protected void onClose(DisconnectReason reason) {
        // The name first: whoever sees "left" may take it at once.
        if (nick != null) {
            nicknames.release(key(nick), socket().id());
        }
        leaveRoom();
    }

    private void leaveRoom() {
        if (room != null) {
            String left = room;
            room = null;
            socket().leave(left);
            chat().to(left).emit("left", Args.named("room", left, "nick", nick));
            roomChanged(left);
        }
    }

    /** Tells a room who is in it now, and everyone how full each room is. */
    private void roomChanged(String changed) {
        chat().to(changed).emit("members", Args.named("room", changed, "members", members(changed)));
        chat().emit("rooms", roomSizes());
    }

    /** The nicknames in a room, from the rooms API (on a cluster adapter, every node's). */
    private List<String> members(String name) {
        return chat().in(name).fetchSockets().join().stream()
                .map(socket -> (String) socket.data().get("nick"))
                .sorted(String.CASE_INSENSITIVE_ORDER)
                .toList();
    }

    private Map<String, Integer> roomSizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        ChatRules.ROOMS.forEach(name -> sizes.put(name, members(name).size()));
        return sizes;
    }

    private Namespace chat() {
        return socket().namespace();
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static String key(String nickname) {
        return ChatRules.nicknameKey(nickname);
    }
}
