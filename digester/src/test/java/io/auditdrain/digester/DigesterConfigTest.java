package io.auditdrain.digester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.digest.SigningAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DigesterConfigTest {

    private static final Map<String, String> MINIMAL = Map.of("AUDITDRAIN_STORE", "s3://acme-logs",
            "AUDITDRAIN_DIGEST_KEY_ID", "alias/auditdrain-digests", "AWS_REGION", "eu-west-1");

    @Test
    void the_defaults_are_hourly_digests_after_ten_minutes_looking_a_day_back_for_late_objects() {
        DigesterConfig c = DigesterConfig.fromEnvironment(MINIMAL);
        assertEquals("acme-logs", c.bucket());
        assertEquals(SigningAlgorithm.ECDSA_SHA_256, c.algorithm());
        assertEquals(Duration.ofHours(1), c.interval());
        assertEquals(Duration.ofMinutes(10), c.grace());
        assertEquals(Duration.ofHours(24), c.lateWindow());
        assertEquals(Set.of(), c.apps());
        assertEquals(48, c.maxIntervals());
    }

    @Test
    void every_problem_is_listed_at_once() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigesterConfig
                .fromEnvironment(Map.of("AUDITDRAIN_STORE", "file:/tmp/x", "AUDITDRAIN_DIGEST_INTERVAL_MINUTES", "7",
                        "AUDITDRAIN_DIGEST_APPS", "good-app, Bad_App", "AUDITDRAIN_DIGEST_SIGNING_ALGORITHM", "MD5",
                        "AWS_ENDPOINT_URL", "ftp://x")));
        for (String expected : new String[] {"must be s3://", "AUDITDRAIN_DIGEST_KEY_ID is required",
                "must divide a day", "invalid Heroku app name: Bad_App", "unsupported signing algorithm MD5",
                "AWS_REGION is required", "AWS_ENDPOINT_URL must be"}) {
            assertTrue(e.getMessage().contains(expected), () -> e.getMessage() + " should say " + expected);
        }
    }

    @Test
    void the_readme_table_lists_exactly_the_variables_the_digester_reads_with_their_defaults() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("### Digester");
        assertTrue(section >= 0, "README.md has no '### Digester' section");
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : readme.substring(section).split("\n")) {
            if (line.startsWith("### ") && !rows.isEmpty() || line.startsWith("## ") && !rows.isEmpty()) {
                break;
            }
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                rows.put(cells[1].strip().replace("`", ""), cells[3].strip().replace("`", ""));
            }
        }
        assertEquals(DigesterConfig.DOCUMENTED_DEFAULTS, rows);
    }
}
