package io.windsock.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Moves a connection onto another event loop: the WebSocket that upgrades a long-polling session
 * goes to the loop that session lives on, so that the session's state, its timers and the socket's
 * reads, writes and close all run on one thread (no task hops between loops, so nothing written
 * before a close can be overtaken by it, and a frame read on the socket is never overtaken by a
 * poll handed over from another loop).
 *
 * <p>Why the channel moves and not the session: the session is reachable from many places that
 * hold its scheduler (ping and upgrade timers, the socket layer's connect and ack timers, tasks
 * already queued from handler threads); handing all of that to another loop needs a fence for
 * tasks still queued on the old one. A channel, by contrast, has one owner we control at this
 * point: Netty supports {@code deregister()} then {@code register()} on another loop of a
 * compatible group (with NIO the selection key is cancelled and the socket registered with the
 * new loop's selector; the pipeline's cached executors are reset; no second channelActive fires).
 *
 * <p>Preconditions the caller keeps: auto-read is off (so no read is in progress on the old loop
 * once the deregistration has run), and nothing waits in the outbound buffer for the old loop's
 * {@code OP_WRITE} (the caller moves the channel once the 101 response has been written; a flush
 * after the move re-arms the write interest on the new loop anyway).
 */
final class EventLoopHandover {
    private EventLoopHandover() {
    }

    /**
     * Moves {@code channel} to {@code target}. Call on the channel's current loop. The returned
     * future completes on {@code target}'s thread, successfully once the channel is registered there
     * (auto-read still off), or with the failure after which the channel has been closed.
     */
    static Future<Void> move(Channel channel, EventLoop target) {
        Promise<Void> moved = target.newPromise();
        if (channel.eventLoop() == target) {
            moved.setSuccess(null);
            return moved;
        }
        // No handler with a timer of the old loop is left: the idle closer left at the upgrade.
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                channel.close();
                target.execute(() -> moved.setFailure(deregistered.cause()));
                return;
            }
            // register() hands registration to the target loop; its listener runs there.
            target.register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    channel.close(); // Netty already closed it forcibly; this is a no-op then
                    moved.setFailure(registered.cause());
                    return;
                }
                // Anything the old loop could not write yet re-arms OP_WRITE on this loop.
                channel.flush();
                moved.setSuccess(null);
            });
        });
        return moved;
    }
}
