package io.auditdrain.verifier.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory copy of the bucket read as verify-archive reads a bucket: each file its key's one version. */
class DirectoryArchiveReaderTest {

    @TempDir
    Path root;

    private String put(String key) throws Exception {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, key);
        return key;
    }

    private static String key(String time) {
        return ObjectKeyLayout.format(new ObjectKey("acme-api", Instant.parse(time).toEpochMilli(),
                UUID.fromString("0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0")));
    }

    @Test
    void a_month_prefix_lists_the_files_of_its_days_in_key_order_between_the_bounds() throws Exception {
        String early = put(key("2026-03-01T05:00:00Z"));
        String first = put(key("2026-03-14T10:00:00Z"));
        put("logs/acme-api/2026/03/14/notes.txt");
        put("logs/acme-api/2026/03/14/.tmp-upload");
        String second = put(key("2026-03-15T00:00:01Z"));
        String after = put(key("2026-03-20T00:00:00Z"));
        put(key("2026-04-01T00:00:00Z"));
        try (DirectoryArchiveReader reader = new DirectoryArchiveReader(root)) {
            List<StoredVersion> listed = reader.listVersions("logs/acme-api/2026/03/", "logs/acme-api/2026/03/14",
                    "logs/acme-api/2026/03/15/" + Character.MAX_VALUE);

            assertEquals(List.of(first, second), listed.stream().map(StoredVersion::key).toList(),
                    "the days asked for, neither a hidden temp file nor a name the receiver cannot write, and nothing"
                            + " of " + early + " or " + after);
            assertTrue(listed.stream().allMatch(v -> !v.deleteMarker()));
            assertNull(listed.get(0).versionId(), "a directory keeps no versions");
            assertEquals(List.of(), reader.listVersions("logs/acme-api/2026/05/", "logs/acme-api/2026/05/01",
                    "logs/acme-api/2026/05/31/"), "a month with no directory lists nothing");
        }
    }
}
