package io.windsock.internal.dispatch;

import io.windsock.internal.log.LogSafe;
import io.windsock.internal.server.AckErrors;
import java.util.List;

/**
 * An incoming event that cannot be delivered: unknown name, missing or extra arguments, a value
 * that does not convert. Stackless: it is the client's mistake, reported as a log line and an error
 * ack, never a server bug.
 */
final class BadEvent extends RuntimeException {
    /** The most characters of a problem's text in a report or an error ack. */
    private static final int MAX_PROBLEM = 1000;
    private final String code;
    private final String clientMessage;

    private BadEvent(String code, String logMessage, String clientMessage) {
        super(logMessage, null, false, false);
        this.code = code;
        this.clientMessage = clientMessage;
    }

    static BadEvent unknown(String event, List<Object> received) {
        return new BadEvent(AckErrors.UNKNOWN_EVENT, "bad event '" + LogSafe.text(event) + "': unknown event; received "
                + ValueText.of(received),
                "unknown event '" + LogSafe.text(event) + "'");
    }

    /**
     * @param problem  what did not fit, e.g. {@code argument 2 (int b): "x" is not an int}
     * @param expected the handler's signature, e.g. {@code test(int a, int b)}
     */
    static BadEvent mismatch(String event, String problem, String expected, List<Object> received) {
        return mismatch(event, problem, problem, expected, received);
    }

    /** @param clientProblem the problem as the client may read it (no text of the application's exceptions) */
    static BadEvent mismatch(String event, String problem, String clientProblem, String expected, List<Object> received) {
        // The problems quote client text; their parts are bounded and escaped, this bounds the whole.
        return new BadEvent(AckErrors.BAD_ARGUMENTS, "bad event '" + LogSafe.text(event) + "': "
                + LogSafe.text(problem, MAX_PROBLEM) + "; expected " + expected
                + ", received " + ValueText.of(received), LogSafe.text(clientProblem, MAX_PROBLEM) + "; expected " + expected);
    }

    /** @return the machine-readable code of the error ack ({@link AckErrors}). */
    String code() {
        return code;
    }

    /** @return the text of the error ack: the problem and the expected signature, not the payload. */
    String clientMessage() {
        return clientMessage;
    }
}
