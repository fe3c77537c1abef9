package io.windsock.interop.ownership;

import java.util.List;

/**
 * Checks on streams of numbered events, one stream per sending thread, each numbered 0, 1, 2, ...:
 * the stress tests of this package send such streams and check that nothing is lost, duplicated or
 * reordered on the way.
 */
final class NumberedStreams {
    private NumberedStreams() {
    }

    /** @return whether every stream has received its last number sent */
    static boolean allArrived(List<List<Integer>> received, int[] lastSent) {
        for (int t = 0; t < lastSent.length; t++) {
            List<Integer> numbers = received.get(t);
            if (numbers.isEmpty() || numbers.get(numbers.size() - 1) < lastSent[t]) {
                return false;
            }
        }
        return true;
    }

    /** Fails unless the stream is 0, 1, 2, ... with nothing missing, repeated or out of place. */
    static void assertInOrder(String what, List<Integer> numbers) {
        synchronized (numbers) {
            for (int i = 0; i < numbers.size(); i++) {
                if (numbers.get(i) != i) {
                    throw new AssertionError(what + ": at " + i + " got " + numbers.get(i) + " near "
                            + numbers.subList(Math.max(0, i - 3), Math.min(numbers.size(), i + 4)));
                }
            }
        }
    }
}
