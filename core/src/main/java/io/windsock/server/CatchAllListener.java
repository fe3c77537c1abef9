package io.windsock.server;

import java.util.List;

/** Receives events by name: {@link Socket#onAny} and {@link Socket#fallback}. Same threading as {@link EventListener}. */
@FunctionalInterface
public interface CatchAllListener {
    void onEvent(String event, List<Object> args, Ack ack) throws Exception;
}
