package io.windsock.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Rules over a module's own sources that no compiler checks (where a class may be used, say). */
public final class SourceScan {
    private SourceScan() {
    }

    /**
     * @return the Java files under {@code root}, but {@code except}, whose text contains {@code text}, as paths
     *         relative to {@code root}, in walking order
     */
    public static List<String> javaFilesContaining(Path root, String text, Path except) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".java") && !f.equals(except) && Files.readString(f).contains(text)) {
                    found.add(root.relativize(f).toString());
                }
            }
        }
        return found;
    }
}
