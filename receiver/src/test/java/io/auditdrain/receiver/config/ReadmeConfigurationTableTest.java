package io.auditdrain.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** README.md's receiver configuration table is the single source of truth; it must say what the code does. */
class ReadmeConfigurationTableTest {

    @Test
    void the_readme_table_lists_exactly_the_variables_the_receiver_reads_with_their_defaults() throws IOException {
        Map<String, String> documented = readmeTable();
        assertEquals(ReceiverConfig.DOCUMENTED_DEFAULTS.keySet(), documented.keySet());
        ReceiverConfig.DOCUMENTED_DEFAULTS.forEach((name, value) ->
                assertEquals(value, documented.get(name), "README default of " + name));
    }

    @Test
    void the_documented_defaults_are_the_ones_the_code_applies() {
        ReceiverConfig config = ReceiverConfig.fromEnvironment(Map.of("AUDITDRAIN_STORE", "file:/tmp/x",
                "AUDITDRAIN_CREDENTIALS", "file:/tmp/c"));
        Map<String, String> d = ReceiverConfig.DOCUMENTED_DEFAULTS;
        assertEquals(d.get(ReceiverConfig.CREDENTIALS_TTL_SECONDS), Long.toString(config.credentialsTtl().toSeconds()));
        assertEquals(d.get(ReceiverConfig.GZIP_LEVEL), Integer.toString(config.gzipLevel()));
        assertEquals(d.get(ReceiverConfig.HEALTH_PATH), config.healthPath());
        assertEquals(d.get(ReceiverConfig.METRICS_NAMESPACE), config.metricsNamespace());
        assertEquals(d.get(ReceiverConfig.PORT), Integer.toString(config.port()));
        assertEquals(d.get(ReceiverConfig.BIND_ADDRESS), config.bindAddress());
    }

    /** variable -> default ("" for none), from the table under "### Receiver". */
    private static Map<String, String> readmeTable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("### Receiver");
        assertTrue(section >= 0, "README.md has no '### Receiver' section");
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : readme.substring(section).split("\n")) {
            if (line.startsWith("### ") && !rows.isEmpty()) {
                break;
            }
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                String name = cells[1].strip().replace("`", "");
                String value = cells[3].strip().replace("`", "");
                rows.put(name, value);
            }
        }
        return rows;
    }
}
