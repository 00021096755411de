package io.auditdrain.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipTest {

    @Test
    void output_is_standard_gzip_that_the_jdk_reads_at_every_level() throws IOException {
        byte[] content = sample(200_000);
        for (int level = 0; level <= 9; level++) {
            try (GzipEncoder encoder = new GzipEncoder(level)) {
                byte[] gz = encoder.encode(content);
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                    assertArrayEquals(content, in.readAllBytes(), "level " + level);
                }
            }
        }
    }

    @Test
    void zcat_reads_what_the_encoder_writes(@TempDir Path dir) throws Exception {
        byte[] content = "line one\nline two\n".getBytes(UTF_8);
        Path file = dir.resolve("object.gz");
        try (GzipEncoder encoder = new GzipEncoder(6)) {
            Files.write(file, encoder.encode(content));
        }
        Process zcat = new ProcessBuilder("gzip", "-dc", file.toString()).start();
        byte[] out = zcat.getInputStream().readAllBytes();
        assertEquals(0, zcat.waitFor());
        assertArrayEquals(content, out);
    }

    @Test
    void one_encoder_is_reusable_and_deterministic() {
        try (GzipEncoder encoder = new GzipEncoder(4)) {
            byte[] a = encoder.encode(sample(10_000));
            byte[] b = encoder.encode(sample(500));
            assertArrayEquals(a, encoder.encode(sample(10_000)));
            assertArrayEquals(sample(500), GzipDecoder.decode(b));
        }
    }

    @Test
    void decoder_rejects_what_is_not_gzip() {
        assertThrows(CorruptObjectException.class, () -> GzipDecoder.decode("plain".getBytes(UTF_8)));
    }

    @Test
    void levels_outside_zero_to_nine_are_refused() {
        assertThrows(IllegalArgumentException.class, () -> new GzipEncoder(10));
        assertThrows(IllegalArgumentException.class, () -> new GzipEncoder(-2));
    }

    @Test
    void empty_content_is_a_valid_member() {
        try (GzipEncoder encoder = new GzipEncoder(6)) {
            byte[] gz = encoder.encode(new byte[0]);
            assertTrue(gz.length >= 18);
            assertEquals(0, GzipDecoder.decode(gz).length);
        }
    }

    private static byte[] sample(int size) {
        Random random = new Random(size);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) {
            sb.append("<190>1 2026-11-22T10:00:00.").append(random.nextInt(1_000_000))
                    .append("+00:00 host app web.1 - GET /items/").append(random.nextInt(5000)).append('\n');
        }
        return sb.substring(0, size).getBytes(UTF_8);
    }
}
