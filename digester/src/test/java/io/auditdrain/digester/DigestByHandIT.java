package io.auditdrain.digester;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.digest.DigestLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The by-hand check of docs/digest-format.md, run as written (after its two downloads, which the test does with the
 * SDK) with openssl on a digest the digester signed with moto's KMS: an auditor's own tools agree with the verifier.
 */
class DigestByHandIT {

    private TestArchive archive;

    @BeforeEach
    void setUp() {
        archive = new TestArchive();
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    @Test
    void the_documented_openssl_commands_verify_a_real_digest_and_refuse_a_changed_one(@TempDir Path dir)
            throws Exception {
        archive.putObject(TestArchive.APP, Instant.parse("2026-03-14T13:05:00Z"),
                "<134>1 2026-03-14T13:05:00+00:00 host app web.1 - a");
        archive.digester(Instant.parse("2026-03-14T14:12:00Z"), Set.of()).run(() -> true);
        byte[] digest = archive.get(DigestLayout.key(TestArchive.APP, Instant.parse("2026-03-14T13:00:00Z")));
        Files.write(dir.resolve("digest.jsonl"), digest);
        Files.write(dir.resolve("key.der"), archive.kms.getPublicKey(r -> r.keyId(archive.keyArn)).publicKey()
                .asByteArray());
        String commands = documentedCommands();

        Result good = bash(dir, commands);
        assertEquals(0, good.exit(), good.output());
        assertTrue(good.output().contains("Verified OK"), good.output());
        assertEquals("auditdrain-digest/2\n", new String(Files.readAllBytes(dir.resolve("message")), UTF_8)
                .substring(0, 20));

        Files.writeString(dir.resolve("digest.jsonl"), new String(digest, UTF_8).replace("\"size\":", "\"size\":1"));
        Result changed = bash(dir, commands);
        assertTrue(changed.exit() != 0 && changed.output().contains("Verification failure"), changed.output());
    }

    /** The lines of the doc's by-hand block from the first after the downloads to the openssl verification. */
    private static String documentedCommands() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "digest-format.md"));
        int block = doc.indexOf("```sh\naws s3 cp s3://BUCKET/digests/");
        assertTrue(block >= 0, "docs/digest-format.md has no by-hand block");
        List<String> lines = new ArrayList<>();
        for (String line : doc.substring(block).split("\n")) {
            if (line.startsWith("```sh") || line.startsWith("aws ")) {
                continue;
            }
            lines.add(line);
            if (line.startsWith("openssl dgst")) {
                break;
            }
        }
        return String.join("\n", lines);
    }

    private record Result(int exit, String output) {
    }

    private static Result bash(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), script + "\n---\n" + out);
    }
}
