package io.windsock.internal.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says of one of this process's threads: whether it sleeps (waits for a lock, a timer, a
 * socket or a disk) or runs or waits for a core. Java cannot tell these apart for a thread blocked in a
 * native read, such as a database driver's socket: its state stays {@code RUNNABLE}.
 *
 * <p>Read from {@code /proc/self/task/<tid>/stat}; elsewhere (no {@code /proc/thread-self}: not Linux, or
 * a sandbox without it) nothing is known and callers fall back to time alone.
 */
final class KernelThreadState {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private KernelThreadState() {
    }

    /** @return the stat file of the calling thread, or null where the kernel does not offer it */
    static Path statFileOfCurrentThread() {
        try {
            // "<pid>/task/<tid>"
            Path link = Files.readSymbolicLink(THREAD_SELF);
            Path stat = Path.of("/proc/self/task", link.getFileName().toString(), "stat");
            return Files.isReadable(stat) ? stat : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * @param stat a thread's stat file, from {@link #statFileOfCurrentThread()} on that thread
     * @return whether the thread sleeps ('S', 'D'): true also when its state cannot be read (it ended, or the
     *     file is not there), so that callers treat an unknown thread as they would without this class
     */
    static boolean sleeping(Path stat) {
        byte[] text;
        try {
            text = Files.readAllBytes(stat);
        } catch (IOException | RuntimeException e) {
            return true;
        }
        return sleeping(text);
    }

    /** @param text the content of a stat file: "tid (name) S ...", the name possibly holding ')' and spaces */
    static boolean sleeping(byte[] text) {
        for (int i = text.length - 1; i >= 0; i--) {
            if (text[i] == ')') {
                if (i + 2 >= text.length) {
                    return true;
                }
                byte state = text[i + 2];
                return state != 'R';
            }
        }
        return true;
    }
}
