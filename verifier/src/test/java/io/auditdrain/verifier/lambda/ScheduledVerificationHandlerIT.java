package io.auditdrain.verifier.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.ProofKey;
import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.digest.Sha256;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.cli.DoctorCommand;
import io.auditdrain.verifier.proof.ProofRecord;
import io.auditdrain.verifier.proof.ProofRecordJson;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.DrainSimulator;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The scheduled verification's Lambda handler, in process, against real PostgreSQL 15 and moto's S3 and SSM: the
 * database URL is read from a SecureString, smoke finds its tracer in objects a drain simulator writes from the real
 * server log, doctor runs every check, the run's record lands under proof/ (written once, with its checksum), and the
 * function's log carries the reports and the EMF metrics the alarms watch. (moto cannot invoke a Lambda function;
 * terraform/tests and scripts/check-deploy cover the deployment.)
 */
class ScheduledVerificationHandlerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT = "{\"version\":\"0\",\"id\":\"5c8f0b3e\",\"detail-type\":\"Scheduled Event\","
            + "\"source\":\"aws.events\",\"time\":\"2026-01-01T00:15:00Z\",\"detail\":{}}";

    private DoctorFixture fixture;
    private SsmClient ssm;
    private String parameter;

    @BeforeEach
    void setUp() {
        fixture = new DoctorFixture();
        AwsEmulator emulator = AwsEmulator.shared();
        ssm = SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint())
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY))).build();
        parameter = "/auditdrain-test/" + UUID.randomUUID() + "/database-url";
    }

    @AfterEach
    void tearDown() {
        ssm.close();
    }

    private void storeUrl() {
        ssm.putParameter(r -> r.name(parameter).type(ParameterType.SECURE_STRING).value(fixture.db().appUrl()));
    }

    /** The function's environment as Terraform sets it, plus the emulator. */
    private Environment functionEnvironment() {
        Map<String, String> env = new HashMap<>(fixture.bucket().environment());
        env.put("AUDITDRAIN_APP", DoctorFixture.APP);
        env.put("AUDITDRAIN_STORE", fixture.bucket().store());
        env.put("AUDITDRAIN_DATABASE_URL_PARAMETER", parameter);
        env.put("AUDITDRAIN_METRICS_NAMESPACE", "AuditDrainTest");
        env.put("AUDITDRAIN_SMOKE_TIMEOUT", "30s");
        return new Environment(env);
    }

    /** What one invocation returned and logged. */
    private record Invocation(JsonNode result, List<JsonNode> log, String rawLog) {
        JsonNode run() {
            return log.stream().filter(l -> "verification_run".equals(l.path("event").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("no run metrics in:\n" + rawLog));
        }

        Map<String, JsonNode> checks() {
            Map<String, JsonNode> checks = new LinkedHashMap<>();
            log.stream().filter(l -> "verification_check".equals(l.path("event").asText()))
                    .forEach(l -> checks.put(l.get("Check").asText(), l));
            return checks;
        }
    }

    private Invocation invoke() throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ScheduledVerificationHandler handler = new ScheduledVerificationHandler(functionEnvironment(),
                new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
        try (DrainSimulator drain = new DrainSimulator(fixture.db().server().csvLog(), fixture.bucket().objects(),
                DoctorFixture.APP, HerokuPostgresLines.standard())) {
            handler.handleRequest(new ByteArrayInputStream(EVENT.getBytes(StandardCharsets.UTF_8)), output, null);
        }
        String rawLog = logBytes.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : rawLog.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return new Invocation(JSON.readTree(output.toString(StandardCharsets.UTF_8)), lines, rawLog);
    }

    /** The one run record under the app's proof/ prefix, read back from the bucket, with its key. */
    private record StoredRecord(String key, ProofRecord record, byte[] bytes) {
    }

    private List<StoredRecord> storedRecords() {
        var s3 = fixture.bucket().s3();
        List<StoredRecord> records = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(fixture.bucket().name()).prefix(ProofKeyLayout.appPrefix(
                DoctorFixture.APP))).contents().forEach(o -> {
                    byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(fixture.bucket().name()).key(o.key()))
                            .asByteArray();
                    records.add(new StoredRecord(o.key(), ProofRecordJson.parse(bytes), bytes));
                });
        return records;
    }

    /** An EMF document declares each metric it carries, under its dimensions, in the namespace given. */
    private static void assertEmf(JsonNode line, Set<String> dimensions) {
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals("AuditDrainTest", directive.get("Namespace").asText(), line.toString());
        Set<String> declared = new TreeSet<>();
        directive.get("Dimensions").get(0).forEach(d -> declared.add(d.asText()));
        assertEquals(dimensions, declared, line.toString());
        directive.get("Metrics").forEach(m -> assertTrue(line.get(m.get("Name").asText()).isNumber(),
                "the value of " + m + " is in the document: " + line));
        declared.forEach(d -> assertTrue(line.get(d).isTextual(), "dimension " + d + " has a value: " + line));
        assertTrue(line.get("_aws").get("Timestamp").isNumber(), line.toString());
    }

    @Test
    void a_healthy_setup_reports_smoke_and_every_check_passed_with_the_smoke_latency() throws Exception {
        storeUrl();
        Invocation inv = invoke();
        assertEquals("PASS", inv.result().get("smoke").asText(), inv.rawLog());
        assertEquals("PASS", inv.result().get("doctor").asText(), inv.rawLog());

        JsonNode run = inv.run();
        assertEmf(run, Set.of("App"));
        assertEquals(0, run.get("SmokeFailed").asInt(), inv.rawLog());
        assertEquals(0, run.get("ChecksFailed").asInt(), inv.rawLog());
        assertEquals(1, run.get("Runs").asInt());
        assertTrue(run.get("SmokeLatency").asLong() >= 0, inv.rawLog());
        assertEquals(DoctorFixture.APP, run.get("App").asText());

        Map<String, JsonNode> checks = inv.checks();
        // capture-probe among them: the restricted role's own rights are all the probe needs.
        assertEquals(DoctorCommand.checks().size(), checks.size(), inv.rawLog());
        assertTrue(checks.containsKey("capture-probe"), inv.rawLog());
        checks.values().forEach(c -> {
            assertEmf(c, Set.of("App", "Check"));
            assertEquals(0, c.get("CheckFailed").asInt(), c.toString());
        });
        assertTrue(inv.log().stream().anyMatch(l -> "smoke".equals(l.path("command").asText())
                && "PASS".equals(l.path("result").asText())), "the smoke report is logged: " + inv.rawLog());
        assertFalse(inv.rawLog().contains(fixture.db().appPassword()), "the password never reaches the log");

        assertEquals(0, run.get("ProofRecordMissing").asInt(), inv.rawLog());
        List<StoredRecord> records = storedRecords();
        assertEquals(1, records.size(), "one record per run");
        StoredRecord stored = records.get(0);
        assertEquals(stored.key(), run.get("record").asText());
        assertEquals(stored.key(), inv.result().get("record").asText());
        ProofKey key = ProofKeyLayout.parse(stored.key());
        ProofRecord record = stored.record();
        assertEquals(key.id(), record.runId());
        assertEquals(key.time(), record.startedAt(), "the key is named after the run's start");
        assertTrue(record.finishedAt().isAfter(record.startedAt()));
        assertTrue(Duration.between(record.startedAt(), Instant.now()).toMinutes() < 5);
        assertEquals("PASS", record.result());
        assertEquals(run.get("SmokeLatency").asLong(), record.smoke().latencyMs());
        assertTrue(record.smoke().objectKey().startsWith("logs/" + DoctorFixture.APP + "/"), record.toString());
        assertEquals(DoctorCommand.checks().size(), record.doctor().checks().size());
        assertTrue(record.doctor().checks().stream().allMatch(c -> c.detail() != null && !c.verdict().isBlank()));
        var head = fixture.bucket().s3().headObject(r -> r.bucket(fixture.bucket().name()).key(stored.key())
                .checksumMode(ChecksumMode.ENABLED));
        assertEquals(Base64.getEncoder().encodeToString(Sha256.newDigest().digest(stored.bytes())),
                head.checksumSHA256(), "S3 keeps the record's SHA-256, which it verified on upload");
        assertEquals("application/json", head.contentType());
        assertFalse(new String(stored.bytes(), StandardCharsets.UTF_8).contains(fixture.db().appPassword()));
    }

    @Test
    void a_failed_check_is_a_metric_of_its_own_and_counts_in_checks_failed() throws Exception {
        storeUrl();
        fixture.db().sql("GRANT UPDATE ON customer_audit_events TO raptor_app");
        Invocation inv = invoke();
        assertEquals("FAIL", inv.result().get("doctor").asText(), inv.rawLog());
        // The grant is a catalog finding, and the probe shows the role really can UPDATE audit rows.
        assertEquals(2, inv.run().get("ChecksFailed").asInt(), inv.rawLog());
        assertEquals(List.of("audit-table-grants", "capture-probe"),
                JSON.convertValue(inv.run().get("failedChecks"), List.class));
        assertEquals(1, inv.checks().get("audit-table-grants").get("CheckFailed").asInt());
        assertEquals(1, inv.checks().get("capture-probe").get("CheckFailed").asInt());
        assertEquals(0, inv.checks().get("history-triggers").get("CheckFailed").asInt());
        assertEquals("ERROR", inv.run().get("level").asText());

        ProofRecord record = storedRecords().get(0).record();
        assertEquals("FAIL", record.result());
        assertEquals(List.of("audit-table-grants", "capture-probe"), record.failingChecks());
        assertTrue(record.doctor().checks().stream().anyMatch(c -> c.name().equals("audit-table-grants")
                && c.verdict().equals("FAIL") && c.detail().contains("UPDATE")), record.toString());
    }

    @Test
    void a_missing_database_url_fails_smoke_and_doctor_without_throwing() throws Exception {
        Invocation inv = invoke();
        JsonNode run = inv.run();
        assertEquals(1, run.get("SmokeFailed").asInt());
        assertEquals(1, run.get("ChecksFailed").asInt());
        assertEquals(1, run.get("Runs").asInt(), "the run finished, so it is not 'stopped'");
        assertNull(run.get("SmokeLatency"));
        assertTrue(run.get("error").asText().contains(parameter + " does not exist"), inv.rawLog());
        assertEmf(run, Set.of("App"));

        ProofRecord record = storedRecords().get(0).record();
        assertEquals(List.of("smoke", "doctor"), record.failingChecks(), "a run that could not start is on record too");
        assertTrue(record.error().contains(parameter + " does not exist"), record.toString());
        assertEquals(0, run.get("ProofRecordMissing").asInt());
    }

    @Test
    void a_record_the_bucket_refuses_is_reported_missing_by_the_run_and_its_metric() throws Exception {
        storeUrl();
        // moto enforces a bucket policy's Deny (without conditions): PutObject under proof/ fails for everyone.
        String bucket = fixture.bucket().name();
        fixture.bucket().s3().putBucketPolicy(r -> r.bucket(bucket).policy("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Sid\":\"NoRecords\",\"Effect\":\"Deny\",\"Principal\":\"*\","
                + "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/proof/*\"}]}"));
        Invocation inv;
        try {
            inv = invoke();
        } finally {
            fixture.bucket().s3().deleteBucketPolicy(r -> r.bucket(bucket));
        }
        JsonNode run = inv.run();
        assertEquals("PASS", run.get("smoke").asText(), "smoke and doctor passed: " + inv.rawLog());
        assertEquals(1, run.get("ProofRecordMissing").asInt(), inv.rawLog());
        assertEquals("ERROR", run.get("level").asText(), "a run with no record is an error: " + inv.rawLog());
        assertTrue(run.get("recordProblem").asText().contains("S3 refused the record s3://" + bucket + "/proof/"
                + DoctorFixture.APP + "/") && run.get("recordProblem").asText().contains("403"), inv.rawLog());
        assertTrue(inv.result().get("recordProblem").asText().contains("403"), inv.result().toString());
        assertEmf(run, Set.of("App"));
        assertEquals(List.of(), storedRecords());
    }

    @Test
    void an_unreachable_database_fails_both_with_the_reason_and_no_password() throws Exception {
        String wrong = fixture.db().appUrl().replace(fixture.db().appPassword(), "not-the-password-42");
        ssm.putParameter(r -> r.name(parameter).type(ParameterType.SECURE_STRING).value(wrong));
        Invocation inv = invoke();
        JsonNode run = inv.run();
        assertEquals("ERROR", run.get("smoke").asText(), inv.rawLog());
        assertEquals("ERROR", run.get("doctor").asText(), inv.rawLog());
        assertEquals(1, run.get("SmokeFailed").asInt());
        assertTrue(run.get("error").asText().contains("raptor_app:****@"), inv.rawLog());
        assertFalse(inv.rawLog().contains("not-the-password-42"), inv.rawLog());
    }
}
