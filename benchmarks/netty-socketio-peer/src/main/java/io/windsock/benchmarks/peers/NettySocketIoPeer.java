package io.windsock.benchmarks.peers;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark contract on netty-socketio 2.0.14, configured as a user would, compression off:
 * {@code echo(x)} acks {@code x}; {@code join(room)} joins and acks; {@code bcast(room, x)} sends
 * {@code msg(x)} to the room and acks.
 *
 * <p>Usage: {@code NettySocketIoPeer <port>}.
 */
public final class NettySocketIoPeer {
    private NettySocketIoPeer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(port);
        config.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        config.setWebsocketCompression(false);
        config.setHttpCompression(false);

        SocketIOServer server = new SocketIOServer(config);
        server.addEventListener("echo", Object.class, (client, data, ack) -> ack.sendAckData(data));
        server.addEventListener("join", String.class, (client, room, ack) -> {
            client.joinRoom(room);
            ack.sendAckData();
        });
        server.addMultiTypeEventListener("bcast", (client, data, ack) -> {
            String room = data.first();
            Object payload = data.second();
            server.getRoomOperations(room).sendEvent("msg", payload);
            ack.sendAckData();
        }, String.class, Object.class);
        server.start();
        System.out.println("netty-socketio listening on " + port);
        new CountDownLatch(1).await();
    }
}
