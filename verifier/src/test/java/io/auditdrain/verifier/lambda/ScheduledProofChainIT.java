package io.auditdrain.verifier.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digester.DigesterConfig;
import io.auditdrain.digester.lambda.ScheduledDigestHandler;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.browser.HeadlessChromium;
import io.auditdrain.testing.lambda.InvocationContext;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.DrainSimulator;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Issue 20's promise end to end, each part as production runs it: the scheduled verification's Lambda handler runs
 * against real PostgreSQL 15 and moto (its database URL from an SSM SecureString, smoke's tracer drained from the
 * server's own log) until run records exist under proof/; the digester's Lambda handler signs digests of them with a
 * KMS key; attest builds the period from the archive alone with the exported public key, and its report is opened
 * in headless Chromium. Then one run record is deleted, as an administrator could, and verify-archive and attest
 * must both name it. The report and its screenshot stay under target/scheduled-proof/.
 */
class ScheduledProofChainIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OUT = Path.of("target", "scheduled-proof");
    private static final Duration DIGEST_INTERVAL = Duration.ofMinutes(5);
    private static final int RUNS = 3;

    @TempDir
    Path dir;

    private DoctorFixture fixture;
    private SsmClient ssm;
    private KmsClient kms;
    private String parameter;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new DoctorFixture();
        AwsEmulator emulator = AwsEmulator.shared();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY));
        ssm = SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint())
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(credentials).build();
        kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint())
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(credentials).build();
        parameter = "/auditdrain-test/" + UUID.randomUUID() + "/database-url";
        ssm.putParameter(r -> r.name(parameter).type(ParameterType.SECURE_STRING).value(fixture.db().appUrl()));
        Files.createDirectories(OUT);
    }

    @AfterEach
    void tearDown() {
        ssm.close();
        kms.close();
    }

    /** One scheduled run, as EventBridge starts it, with the drain carrying the server's log to the bucket. */
    private JsonNode runScheduledVerification() throws Exception {
        Map<String, String> env = new HashMap<>(fixture.bucket().environment());
        env.put("AUDITDRAIN_APP", DoctorFixture.APP);
        env.put("AUDITDRAIN_STORE", fixture.bucket().store());
        env.put("AUDITDRAIN_DATABASE_URL_PARAMETER", parameter);
        env.put("AUDITDRAIN_METRICS_NAMESPACE", "AuditDrainTest");
        env.put("AUDITDRAIN_SMOKE_TIMEOUT", "30s");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ScheduledVerificationHandler handler = new ScheduledVerificationHandler(new Environment(env),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC());
        try (DrainSimulator drain = new DrainSimulator(fixture.db().server().csvLog(), fixture.bucket().objects(),
                DoctorFixture.APP, HerokuPostgresLines.standard())) {
            handler.handleRequest(new ByteArrayInputStream(("{\"source\":\"aws.events\",\"detail-type\":"
                    + "\"Scheduled Event\",\"detail\":{}}").getBytes(StandardCharsets.UTF_8)), output, null);
        }
        return JSON.readTree(output.toString(StandardCharsets.UTF_8));
    }

    /** The digester's handler, run by its schedule at {@code at}, signing with a KMS key. */
    private void runDigester(String keyId, Instant at) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put(DigesterConfig.STORE, fixture.bucket().store());
        env.put(DigesterConfig.KEY_ID, keyId);
        env.put(DigesterConfig.INTERVAL_MINUTES, Long.toString(DIGEST_INTERVAL.toMinutes()));
        env.put(DigesterConfig.GRACE_MINUTES, "1");
        env.put(DigesterConfig.AWS_REGION, AwsEmulator.REGION);
        env.put(DigesterConfig.AWS_ENDPOINT_URL, AwsEmulator.shared().endpoint().toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // The handler takes its credentials from the SDK's default chain, as in Lambda; the emulator's, for this run
        // only (the verifier's other tests show that it fails closed without any).
        System.setProperty("aws.accessKeyId", AwsEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", AwsEmulator.SECRET_KEY);
        try {
            new ScheduledDigestHandler(DigesterConfig.fromEnvironment(env), new PrintStream(log, true,
                    StandardCharsets.UTF_8), Clock.fixed(at, ZoneOffset.UTC)).handleRequest(
                    new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                    InvocationContext.of("auditdrain-digester", Duration.ofMinutes(5)));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    private List<String> recordKeys() {
        List<String> keys = new ArrayList<>();
        fixture.bucket().s3().listObjectsV2Paginator(r -> r.bucket(fixture.bucket().name())
                .prefix(ProofKeyLayout.appPrefix(DoctorFixture.APP))).contents().stream().map(S3Object::key)
                .forEach(keys::add);
        return keys;
    }

    private static Instant floor(Instant t) {
        long length = DIGEST_INTERVAL.toMillis();
        return Instant.ofEpochMilli(t.toEpochMilli() / length * length);
    }

    @Test
    void scheduled_runs_leave_records_the_digests_cover_and_a_deleted_record_is_named_by_verify_archive_and_attest()
            throws Exception {
        for (int i = 0; i < RUNS; i++) {
            JsonNode run = runScheduledVerification();
            assertEquals("PASS", run.get("smoke").asText(), run.toString());
            assertEquals("PASS", run.get("doctor").asText(), run.toString());
        }
        List<String> records = recordKeys();
        assertEquals(RUNS, records.size(), "one record per run: " + records);
        Instant first = ProofKeyLayout.parse(records.get(0)).time();
        Instant last = ProofKeyLayout.parse(records.get(RUNS - 1)).time();
        Instant from = floor(first);
        Instant to = floor(last).plus(DIGEST_INTERVAL);

        // The digester's schedule reaches the interval's end plus its grace; attest runs after it.
        String keyId = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata().arn();
        Instant digestedAt = to.plus(Duration.ofMinutes(1)).plusSeconds(30);
        runDigester(keyId, digestedAt);
        Path publicKey = Files.write(dir.resolve("digests-key.der"),
                kms.getPublicKey(r -> r.keyId(keyId)).publicKey().asByteArray());
        Clock now = Clock.fixed(digestedAt.plusSeconds(60), ZoneOffset.UTC);

        Map<String, String> auditor = fixture.bucket().environment();
        String[] period = {"--app", DoctorFixture.APP, "--store", fixture.bucket().store(), "--from", from.toString(),
            "--to", to.toString(), "--public-key", publicKey.toString()};
        VerifierRun verified = VerifierRun.run(auditor, now, concat(new String[] {"verify-archive", "--json"}, period));
        verified.assertExit(ExitCodes.PASS);
        assertTrue(verified.json().get("summary").get("objects_checked").asInt() >= 2 * RUNS,
                "each run's record and tracer object are checked: " + verified.out());

        Path report = OUT.resolve("report.html");
        VerifierRun attested = VerifierRun.run(auditor, now, concat(new String[] {"attest", "--interval", "5m",
            "--output", report.toString()}, period));
        attested.assertExit(ExitCodes.PASS);
        JsonNode a = JSON.readTree(OUT.resolve("report.json").toFile()).get("attestation");
        assertEquals(RUNS, a.get("proof").get("recorded").asInt());
        assertEquals(RUNS, a.get("proof").get("passed").asInt());
        for (JsonNode run : a.get("runs")) {
            JsonNode record = run.get("record");
            assertTrue(records.contains(record.get("key").asText()), run.toString());
            assertEquals("valid", record.get("digest_status").asText(), run.toString());
            assertEquals(DigestLayout.key(DoctorFixture.APP, floor(Instant.parse(run.get("time").asText()))),
                    record.get("digest").asText(), "each record is named with the digest that holds it");
            assertEquals("valid", run.get("tracer").get("digest_status").asText(), run.toString());
        }
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            HeadlessChromium.Page page = chromium.open(report, 1280, 900);
            assertEquals("drawn", page.evaluate("document.documentElement.getAttribute('data-charts')").asText(),
                    "the page's chart script ran to its end: " + page.errors());
            assertEquals(List.of(), page.errors(), "nothing errors in the console");
            assertTrue(page.evaluate("document.body.innerText").asText().contains(records.get(0)),
                    "the report names the first run's record");
            page.screenshot(OUT.resolve("report.png"), 1200);
        }

        // An administrator deletes one run record (a delete marker, all S3 lets a versioned bucket's user do).
        String deleted = records.get(1);
        fixture.bucket().s3().deleteObject(r -> r.bucket(fixture.bucket().name()).key(deleted));

        VerifierRun reverified = VerifierRun.run(auditor, now,
                concat(new String[] {"verify-archive", "--json"}, period));
        reverified.assertExit(ExitCodes.FAILED);
        assertTrue(reverified.out().contains("\"key\" : \"" + deleted + "\"")
                || reverified.out().contains("\"key\":\"" + deleted + "\""), reverified.out());
        assertTrue(reverified.out().contains("missing_object"), reverified.out());

        VerifierRun reattested = VerifierRun.run(auditor, now, concat(new String[] {"attest", "--interval", "5m",
            "--output", dir.resolve("after.html").toString()}, period));
        reattested.assertExit(ExitCodes.FAILED);
        JsonNode after = JSON.readTree(dir.resolve("after.json").toFile()).get("attestation");
        List<String> integrityKeys = new ArrayList<>();
        after.get("integrity").get("findings").forEach(f -> integrityKeys.add(f.get("kind").asText() + " "
                + f.get("key").asText()));
        assertEquals(List.of("missing_object " + deleted), integrityKeys);
        List<String> recordFindings = new ArrayList<>();
        after.get("proof").get("record_findings").forEach(f -> recordFindings.add(f.get("kind").asText() + " "
                + f.get("evidence").get("key").asText()));
        assertEquals(List.of("deleted " + deleted), recordFindings);
        assertEquals(RUNS, after.get("proof").get("recorded").asInt(),
                "the deleted record's run still counts: the version it wrote is kept in the history");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
