package io.windsock.internal.transport;

import io.windsock.internal.engine.EngineSession;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** A session handler for transport tests: ignores what the client sends, keeps why the session closed. */
final class CloseReasonHandler implements EngineSession.Handler {
    private final AtomicReference<String> closeReason;
    private final CountDownLatch closed;

    CloseReasonHandler(AtomicReference<String> closeReason) {
        this(closeReason, new CountDownLatch(1));
    }

    /** @param closed counted down once the reason is kept */
    CloseReasonHandler(AtomicReference<String> closeReason, CountDownLatch closed) {
        this.closeReason = closeReason;
        this.closed = closed;
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
        closed.countDown();
    }
}
