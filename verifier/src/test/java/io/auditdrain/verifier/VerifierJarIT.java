package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact itself: the shaded jar under its fixed name runs the CLI with its own classpath only. */
class VerifierJarIT {

    private static final Path JAR = Path.of("target", "auditdrain-verifier.jar");

    private record Result(int exitCode, String out) {
    }

    private static Result java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AUDITDRAIN_") || k.equals("DATABASE_URL"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the jar answers within a minute");
        return new Result(p.exitValue(), out);
    }

    @Test
    void the_shaded_jar_answers_help_and_version() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package");
        Result help = java("--help");
        assertEquals(0, help.exitCode(), help.out());
        assertTrue(help.out().contains("smoke") && help.out().contains("doctor"), help.out());
        Result version = java("--version");
        assertTrue(version.out().startsWith("auditdrain-verifier 0."), version.out());
    }

    @Test
    void the_shaded_jar_is_also_the_scheduled_verifications_lambda_function() throws Exception {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            for (String entry : List.of("io/auditdrain/verifier/lambda/ScheduledVerificationHandler.class",
                    "com/amazonaws/services/lambda/runtime/RequestStreamHandler.class",
                    "software/amazon/awssdk/services/ssm/SsmClient.class")) {
                assertTrue(jar.getEntry(entry) != null, "the jar holds " + entry);
            }
        }
    }

    @Test
    void the_shaded_jar_renders_an_attestation_with_its_template_and_the_one_chart_js_file_it_carries(
            @TempDir Path dir) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        Path key = Files.write(dir.resolve("key.der"), ec.generateKeyPair().getPublic().getEncoded());
        Path store = Files.createDirectories(dir.resolve("store"));

        Result run = java("attest", "--app", "my-app", "--store", "file:" + store, "--from", "2026-03-14", "--to",
                "2026-03-15", "--public-key", key.toString(), "--output", dir.resolve("r.html").toString());

        assertEquals(1, run.exitCode(), "an empty archive is an exception, and a report all the same: " + run.out());
        String html = Files.readString(dir.resolve("r.html"));
        assertTrue(html.contains("Audit capture attestation: my-app"), "the compiled template rendered");
        assertTrue(html.contains("* Chart.js v4.") && html.contains("Released under the MIT License"),
                "Chart.js is inlined with its licence header");
        assertTrue(Files.readString(dir.resolve("r.json")).contains("\"format\" : \"auditdrain-attestation/1\""));
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> webjar = jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith("META-INF/resources/webjars/") && !n.endsWith("/")).sorted().toList();
            assertEquals(2, webjar.size(), "only the minified build and the licence: " + webjar);
            assertTrue(webjar.get(0).endsWith("/LICENSE.md") && webjar.get(1).endsWith("/dist/chart.umd.min.js"),
                    webjar.toString());
            assertTrue(jar.getEntry("gg/jte/generated/precompiled/JteattestationGenerated.class") != null);
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("gg/jte/compiler/")),
                    "only jte's runtime ships, not its compiler");
        }
    }

    @Test
    void the_shaded_jar_maps_a_configuration_error_to_exit_code_2() throws Exception {
        Result run = java("smoke", "--app", "my-app", "--store", "s3://some-bucket");
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.out().contains("AUDITDRAIN_APP_DATABASE_URL is not set"), run.out());
    }
}
