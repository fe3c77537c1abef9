package io.windsock.internal.sio1;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Inbound flow control of one protocol-1 session: reading suspended and resumed by the layer above,
 * the POSTs held while it is paused, and a POST's body delivered a slice at a time.
 *
 * <p>Threading: the session's scheduler thread only. {@link Sio1Session} calls it there, and it calls
 * its {@link Sink} back there, inline.
 */
final class Sio1Inbound {
    /** Requests held while reading is paused, at most. */
    static final int MAX_HELD_POSTS = 4;

    /** What the inbound flow needs of its session. Scheduler thread. */
    interface Sink {
        /** One packet's text, delivered; it may close the session, or pause reading (a handler run inline). */
        void onPacketText(String text);

        /** Closes the session ("parse error", "transport error"); the session calls {@link #close()} back. */
        void closeNow(String reason, boolean sendDisconnect);

        /** Reading was suspended or resumed: tells the attached transport, if any. */
        void onReadingSuspended(boolean suspended);
    }

    private final Sink sink;
    private final int maxPacketsPerSlice;
    /**
     * POSTs held while reading is paused, at most {@link #MAX_HELD_POSTS}, in arrival order: each
     * delivers its body (or the rest of it) and answers when reading resumes.
     */
    private final ArrayDeque<Runnable> resumeWaiters = new ArrayDeque<>(1);
    private boolean readingSuspended;
    /** True while held POSTs run after a resume. */
    private boolean resuming;
    /** Set with the session's close: nothing is held or delivered from then on. */
    private boolean closed;

    /**
     * @param maxPacketsPerSlice the most packets of a body delivered at once
     *        ({@link Sio1Settings#maxPacketsPerPayload()})
     */
    Sio1Inbound(Sink sink, int maxPacketsPerSlice) {
        this.sink = sink;
        this.maxPacketsPerSlice = maxPacketsPerSlice;
    }

    boolean isReadingSuspended() {
        return readingSuspended;
    }

    /**
     * A polling body (one packet, or several framed), read once reading is not paused (see
     * {@link #whenReading}) and delivered a slice of at most {@link Sio1Settings#maxPacketsPerPayload()}
     * packets at a time. A body is never refused for how many packets it holds: socket.io-client 0.9
     * sends everything sent while a POST was on its way in the next one, and the 0.9 server has no
     * count limit. When reading pauses during a slice, the rest of the body waits, with the POST's
     * answer, until it resumes: at most one slice is read past a pause. A malformed frame or packet
     * closes the session ("parse error"); the slices before it stand.
     *
     * @param answer answers the POST: runs once the body is delivered, or dropped with the session
     */
    void onPayload(String payload, Runnable answer) {
        whenReading(() -> deliver(Sio1Frames.reader(payload), answer));
    }

    private void deliver(Sio1Frames.Reader body, Runnable answer) {
        while (!closed && body.hasNext()) {
            List<String> packets;
            try {
                packets = body.next(maxPacketsPerSlice);
            } catch (Sio1DecodeException e) {
                sink.closeNow("parse error", true);
                break;
            }
            for (String text : packets) {
                sink.onPacketText(text);
            }
            if (readingSuspended && !closed && body.hasNext()) {
                // The client sends its next POST only after this answer. First in line: it came before
                // any POST held behind it.
                resumeWaiters.addFirst(() -> deliver(body, answer));
                return;
            }
        }
        answer.run();
    }

    /**
     * Runs a task once reading is not suspended (at once if it is not), after the tasks held before
     * it. The client has one POST on its way at a time; one that sends more while paused is dropped
     * at {@link #MAX_HELD_POSTS}, as a client sending past the flow control.
     */
    void whenReading(Runnable task) {
        if (readingSuspended && !closed) {
            if (resumeWaiters.size() >= MAX_HELD_POSTS) {
                sink.closeNow("transport error", false);
                task.run();
                return;
            }
            resumeWaiters.add(task);
        } else {
            task.run();
        }
    }

    void setReadingSuspended(boolean suspended) {
        if (readingSuspended == suspended) {
            return;
        }
        readingSuspended = suspended;
        sink.onReadingSuspended(suspended);
        if (!suspended && !resuming) {
            // In order, and only while reading stays on: a held body that pauses it again holds the
            // rest. A resume within a task (a handler run inline) leaves the running loop to go on.
            resuming = true;
            try {
                Runnable task;
                while (!readingSuspended && (task = resumeWaiters.pollFirst()) != null) {
                    task.run();
                }
            } finally {
                resuming = false;
            }
        }
    }

    /**
     * The session closed: nothing is held from now on.
     *
     * @return the held POSTs, for the session to run once it has closed: they are answered and what
     *         they carried is dropped
     */
    List<Runnable> close() {
        closed = true;
        List<Runnable> waiting = List.copyOf(resumeWaiters);
        resumeWaiters.clear();
        return waiting;
    }
}
