package io.windsock.internal.transport;

import io.windsock.internal.engine.EngineSession;
import java.util.concurrent.atomic.AtomicReference;

/** A session handler for transport tests: ignores what the client sends, keeps why the session closed. */
final class CloseReasonHandler implements EngineSession.Handler {
    private final AtomicReference<String> closeReason;

    CloseReasonHandler(AtomicReference<String> closeReason) {
        this.closeReason = closeReason;
    }

    @Override
    public void onMessage(EngineSession session, String text) {
    }

    @Override
    public void onBinary(EngineSession session, byte[] data) {
    }

    @Override
    public void onClose(EngineSession session, String reason) {
        closeReason.set(reason);
    }
}
