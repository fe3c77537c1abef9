package io.windsock.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.testing.ApiListing;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The public API is what module-info exports, listed in {@code core/api/windsock-core.api}: a change
 * to it must show in that file. Regenerate with {@code -Dwindsock.api.update=true}.
 */
class PublicApiTest {
    private static final Path CLASSES = Path.of("target", "classes");

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static List<String> listing() throws IOException {
        Set<String> exported = descriptor().exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        return ApiListing.of(CLASSES, exported, Windsock.class.getClassLoader());
    }

    @Test
    void theModuleExportsTheApiAndTheAdapterSpiOnly() throws IOException {
        ModuleDescriptor module = descriptor();
        assertEquals("io.windsock.core", module.name());
        assertEquals(Set.of("io.windsock", "io.windsock.server", "io.windsock.connection", "io.windsock.adapter",
                        "io.windsock.protocol", "io.windsock.engine"),
                module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertEquals(Set.of(), module.opens(), "nothing is opened for reflection");
    }

    @Test
    void noPublicSignatureMentionsAnInternalType() throws IOException {
        List<String> leaks = listing().stream().filter(line -> line.contains(".internal.")).toList();
        assertEquals(List.of(), leaks);
    }

    @Test
    void theApiListingIsUpToDate() throws IOException {
        ApiListing.check(listing(), Path.of("api", "windsock-core.api"));
    }
}
