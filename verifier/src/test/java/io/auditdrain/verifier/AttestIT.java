package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.verifier.proof.ProofRecordStore;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.JdkDigestSigner;
import io.auditdrain.verifier.testsupport.SyntheticEvidence;
import io.auditdrain.verifier.testsupport.TestBucket;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * attest over two days of an app in moto's S3: records the real record store wrote, drained tracer objects, digests
 * the real digester signed. Who wrote, the access matrix, SSM rotations, a directory copy, the files and exit codes;
 * the quarter with its gaps, failures and tampered records is AttestQuarterIT.
 */
class AttestIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "acme-api-prod";
    private static final Instant FROM = Instant.parse("2026-03-14T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-16T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-03-16T06:00:00Z"), ZoneOffset.UTC);
    /**
     * The digests are written in one run at {@link #NOW} (on schedule, each test would take minutes in moto:
     * ScheduledProofChainIT runs the digester on time): attest accepts digests written this late.
     */
    private static final String BACKFILLED = Duration.between(FROM, NOW.instant()).plusHours(1).toHours() + "h";

    @TempDir
    Path dir;

    private TestBucket bucket;
    private JdkDigestSigner signer;
    private List<SyntheticEvidence.Run> runs;
    private Path key;

    @BeforeEach
    void setUp() throws Exception {
        bucket = new TestBucket().configuredAsReference();
        signer = new JdkDigestSigner();
        key = Files.write(dir.resolve("digests-key.der"), signer.publicKeyDer());
        SyntheticEvidence.Plan plan = new SyntheticEvidence.Plan(APP, FROM, TO, Duration.ofMinutes(15), List.of(),
                List.of(), SyntheticEvidence.Tracers.PER_RUN, 14);
        try (ProofRecordStore records = ProofRecordStore.open(StoreLocation.parse(bucket.store()),
                new Environment(bucket.environment()))) {
            runs = SyntheticEvidence.write(plan, records, bucket.objects(), 8);
        }
    }

    private void digest() {
        SyntheticEvidence.digestAfterwards(bucket.s3(), bucket.name(), APP, Duration.ofHours(1), NOW.instant(), signer);
    }

    private VerifierRun attest(Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of("attest", "--app", APP, "--store", bucket.store(), "--from",
                FROM.toString(), "--to", TO.toString(), "--public-key", key.toString(), "--pending", BACKFILLED,
                "--output",
                dir.resolve("report.html").toString()));
        args.addAll(List.of(extra));
        return VerifierRun.run(env, NOW, args.toArray(String[]::new));
    }

    private VerifierRun attest(String... extra) {
        return attest(bucket.environment(), extra);
    }

    private JsonNode document() throws Exception {
        return JSON.readTree(dir.resolve("report.json").toFile()).get("attestation");
    }

    private String html() throws Exception {
        return Files.readString(dir.resolve("report.html"));
    }

    @Test
    void two_days_of_passing_runs_are_attested_without_exception_each_tracer_named_with_its_digest() throws Exception {
        digest();

        VerifierRun run = attest().assertExit(ExitCodes.PASS);

        JsonNode a = document();
        JsonNode proof = a.get("proof");
        assertEquals("PASS", a.get("result").asText(), run.output());
        assertEquals(192, proof.get("expected").asInt());
        assertEquals(192, proof.get("recorded").asInt());
        assertEquals(192, proof.get("passed").asInt());
        assertEquals(0, proof.get("gaps").size());
        assertEquals(0, proof.get("failures").size());
        assertEquals(0, proof.get("record_findings").size());
        assertEquals(192, a.get("runs").size(), "every run's record is listed");
        JsonNode first = a.get("runs").get(0);
        assertEquals(runs.get(0).key().toString(), first.get("record").get("key").asText());
        assertTrue(first.get("record").get("version_id").isTextual(), first.toString());
        assertEquals(64, first.get("record").get("sha256").asText().length());
        assertEquals(runs.get(0).tracerObject(), first.get("tracer").get("key").asText());
        assertEquals(DigestLayout.key(APP, Instant.parse("2026-03-14T00:00:00Z")),
                first.get("tracer").get("digest").asText(), "the tracer's object is named with its digest");
        assertEquals("valid", first.get("tracer").get("digest_status").asText());
        assertEquals(DigestLayout.key(APP, Instant.parse("2026-03-14T00:00:00Z")),
                first.get("record").get("digest").asText(), "the run's record is named with its digest too");
        assertEquals("valid", first.get("record").get("digest_status").asText());
        assertEquals(48, a.get("integrity").get("intervals").asInt());
        assertEquals(48, a.get("integrity").get("status_counts").get("valid").asInt());
        assertEquals(192 + 192, a.get("integrity").get("objects_checked").asInt(),
                "each drained tracer object and each run record is read and hashed again");
        assertEquals(List.of("logs/", "proof/"), StreamSupport.stream(a.get("integrity").get("covers").spliterator(),
                false).map(JsonNode::asText).toList());
        JsonNode writers = a.get("writers").get("writers");
        assertEquals(1, writers.size(), writers.toString());
        assertEquals("customer_audit_events", writers.get(0).get("table").asText());
        assertEquals("raptor_app", writers.get(0).get("roles").get(0).get("role").asText());
        assertEquals(192, writers.get(0).get("roles").get(0).get("statements").asInt());
        assertEquals(192, a.get("writers").get("tracer_inserts").asInt(), "the verifier's tracers are not writes");
        long latencyWorst = runs.stream().mapToLong(r -> r.record().smoke().latencyMs()).max().orElseThrow();
        assertEquals(latencyWorst, proof.get("latency").get("worst_ms").asLong());

        assertTrue(run.out().contains("continuous proof  192 of 192 runs recorded (every 15m): 192 passed, 0 failed;"
                + " 0 gaps, 0 failures"), run.output());
        assertTrue(run.out().contains("integrity         48 intervals: 48 valid"), run.output());
        assertTrue(run.out().strip().endsWith("PASS  no exception in the period"), run.output());
        assertTrue(run.err().startsWith("attest: reading acme-api-prod's run records"), run.output());
        assertTrue(run.err().contains("  read in "), run.output());
        assertTrue(html().contains("<span class=\"verdict pass\">PASS</span>"), "the report's verdict");
        assertTrue(html().contains(runs.get(0).key().toString()), "the first record is named in the report");
    }

    @Test
    void an_owner_writing_an_audit_table_is_named_under_who_wrote_and_is_an_exception() throws Exception {
        Instant t = Instant.parse("2026-03-15T09:30:12Z");
        bucket.objects().write(APP, HerokuPostgresLines.standard().messages(t, HerokuPostgresLines.Prefix.at(t, 4242,
                9, "audit_owner", "web.1"), 77, "LOG:  statement: UPDATE customer_audit_events SET action = 'x'"
                + " WHERE id = '42'"));
        digest();

        VerifierRun run = attest().assertExit(ExitCodes.FAILED);

        JsonNode a = document();
        assertEquals("FAIL", a.get("result").asText());
        JsonNode roles = a.get("writers").get("writers").get(0).get("roles");
        JsonNode owner = null;
        for (JsonNode r : roles) {
            if (r.get("role").asText().equals("audit_owner")) {
                owner = r;
            }
        }
        assertTrue(owner != null && !owner.get("allowed").asBoolean() && owner.get("statements").asInt() == 1
                && owner.get("newest").asText().equals("2026-03-15T09:30:12Z"), roles.toString());
        assertTrue(a.get("exceptions").toString().contains("audit tables written by roles not allowed: audit_owner on"
                + " customer_audit_events"), a.get("exceptions").toString());
        JsonNode cc61 = a.get("controls").get(0);
        assertEquals("CC6.1", cc61.get("criterion").asText());
        assertEquals("exceptions", cc61.get("status").asText());
        assertTrue(run.out().contains("audit_owner 1 NOT ALLOWED"), run.output());
        assertTrue(html().contains("<span class=\"verdict fail\">not allowed</span>"));
    }

    @Test
    void credential_rotations_are_read_from_the_parameter_history_as_dates_and_versions_never_values()
            throws Exception {
        digest();
        String prefix = "/auditdrain-test/" + UUID.randomUUID().toString().substring(0, 8) + "/apps";
        String urlParameter = prefix + "/verifier-url";
        AwsEmulator emulator = AwsEmulator.shared();
        try (SsmClient ssm = SsmClient.builder().endpointOverride(emulator.endpoint())
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY))).build()) {
            ssm.putParameter(r -> r.name(prefix + "/" + APP + "/secret").type(ParameterType.SECURE_STRING)
                    .value("first-secret-value-0001"));
            ssm.putParameter(r -> r.name(prefix + "/" + APP + "/secret").type(ParameterType.SECURE_STRING)
                    .value("second-secret-value-0002").overwrite(true));
            ssm.putParameter(r -> r.name(urlParameter).type(ParameterType.SECURE_STRING)
                    .value("postgres://raptor_app:hunter2@db:5432/d"));
        }

        VerifierRun run = attest("--rotations", "--parameter-prefix", prefix, "--database-url-parameter",
                urlParameter).assertExit(ExitCodes.PASS);

        JsonNode rotations = document().get("access").get("rotations");
        assertEquals(3, rotations.size(), rotations.toString());
        assertEquals(prefix + "/" + APP + "/secret", rotations.get(0).get("parameter").asText());
        assertEquals(2, rotations.get(0).get("version").asInt(), "the secret was rotated once");
        assertTrue(rotations.get(0).get("last_changed").isTextual());
        assertEquals("no such parameter", rotations.get(1).get("problem").asText(), "no rotation under way");
        assertEquals(1, rotations.get(2).get("version").asInt());
        String everything = run.output() + Files.readString(dir.resolve("report.json")) + html();
        for (String secret : List.of("first-secret-value-0001", "second-secret-value-0002", "hunter2")) {
            assertFalse(everything.contains(secret), "a value never reaches the attestation: " + secret);
        }
        assertEquals("supported", document().get("controls").get(1).get("status").asText(), "CC6.3 is evidenced");
    }

    @Test
    void the_access_matrix_is_embedded_as_documented_with_its_hash_from_markdown_or_json() throws Exception {
        digest();
        Path markdown = dir.resolve("access-matrix.md");
        Files.copy(AttestIT.class.getResourceAsStream("attest/access-matrix.md"), markdown);

        attest("--access-matrix", markdown.toString()).assertExit(ExitCodes.PASS);

        JsonNode matrix = document().get("access").get("matrix");
        assertEquals("markdown", matrix.get("format").asText());
        assertEquals(io.auditdrain.digest.Sha256.hex(Files.readAllBytes(markdown)), matrix.get("sha256").asText());
        assertEquals(2, matrix.get("tables").size());
        JsonNode logs = matrix.get("tables").get(0);
        assertEquals("logs/", logs.get("caption").asText());
        assertEquals("PutObject with If-None-Match", logs.get("columns").get(1).asText());
        assertEquals(4, logs.get("rows").size());
        assertEquals("Deny (explicit: `NoVersionDeletes`)", logs.get("rows").get(2).get(4).asText());
        assertEquals("Allow | read only", matrix.get("tables").get(1).get("rows").get(1).get(2).asText(),
                "an escaped pipe stays in its cell");
        assertTrue(html().contains("<td>Deny (explicit: `NoVersionDeletes`)</td>"), "the matrix is in the report");

        Path json = dir.resolve("access-matrix.json");
        Files.copy(AttestIT.class.getResourceAsStream("attest/access-matrix.json"), json);
        attest("--access-matrix", json.toString()).assertExit(ExitCodes.PASS);
        JsonNode table = document().get("access").get("matrix").get("tables").get(0);
        assertEquals("[\"principal\",\"action\",\"resource\",\"decision\",\"deciding\"]", table.get("columns").toString());
        assertEquals("FenceLogs", table.get("rows").get(2).get(4).asText());
        assertEquals("", table.get("rows").get(0).get(4).asText());
    }

    @Test
    void a_directory_copy_of_the_bucket_is_attested_alike_but_without_record_histories() throws Exception {
        digest();
        Path copy = dir.resolve("copy");
        var s3 = bucket.s3();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket.name())).contents().forEach(o -> {
            try {
                Path file = copy.resolve(o.key());
                Files.createDirectories(file.getParent());
                Files.write(file, s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(o.key())).asByteArray());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        VerifierRun run = VerifierRun.run(Map.of(), NOW, "attest", "--app", APP, "--store", "file:" + copy,
                "--from", "2026-03-14", "--to", "2026-03-16", "--public-key", key.toString(), "--pending", BACKFILLED,
                "--output", dir.resolve("report.html").toString(), "--json").assertExit(ExitCodes.PASS);

        JsonNode a = run.json().get("attestation");
        assertEquals(192, a.get("proof").get("recorded").asInt());
        assertFalse(a.get("records").get("histories_read").asBoolean());
        assertNull(a.get("runs").get(0).get("record").get("version_id").textValue());
        assertEquals(48, a.get("integrity").get("status_counts").get("valid").asInt());
        assertEquals(Files.readString(dir.resolve("report.json")).strip(), run.out().strip(),
                "--json prints the document that is written");
        assertTrue(html().contains("this store keeps no version history"), "the report says what it could not see");
    }

    @Test
    void a_period_without_a_single_record_is_an_exception_not_a_pass() throws Exception {
        digest();
        VerifierRun run = VerifierRun.run(bucket.environment(), NOW, "attest", "--app", "another-app", "--store",
                bucket.store(), "--from", FROM.toString(), "--to", TO.toString(), "--public-key", key.toString(),
                "--pending", BACKFILLED, "--output", dir.resolve("report.html").toString())
                .assertExit(ExitCodes.FAILED);
        assertTrue(run.out().contains("no run of the scheduled verification is recorded in the period"),
                run.output());
        assertEquals("not evidenced", document().get("controls").get(2).get("status").asText(), "CC7.2");
    }

    @Test
    void without_the_digests_key_or_with_a_pdf_and_no_chromium_nothing_is_read_and_the_exit_is_2() throws Exception {
        Map<String, String> env = new HashMap<>(bucket.environment());
        VerifierRun noKey = VerifierRun.run(env, NOW, "attest", "--app", APP, "--store", bucket.store(), "--from",
                FROM.toString(), "--output", dir.resolve("report.html").toString()).assertExit(ExitCodes.ERROR);
        assertTrue(noKey.err().contains("give the digests' key: --public-key FILE"), noKey.output());

        env.put("PATH", dir.toString());
        VerifierRun noBrowser = attest(env, "--pdf").assertExit(ExitCodes.ERROR);
        assertTrue(noBrowser.err().contains("--pdf needs Chromium (headless), and none was found on the PATH"),
                noBrowser.output());
        assertFalse(noBrowser.err().contains("attest: reading"), "it stops before reading the archive");
        assertFalse(Files.exists(dir.resolve("report.html")));

        VerifierRun notAMatrix = attest("--access-matrix", key.toString(), "--json").assertExit(ExitCodes.ERROR);
        assertEquals("ERROR", notAMatrix.json().get("result").asText());
        assertTrue(notAMatrix.err().contains("holds no table"), notAMatrix.output());
    }
}
