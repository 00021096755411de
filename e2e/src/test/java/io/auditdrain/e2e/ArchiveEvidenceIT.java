package io.auditdrain.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digester.DigesterConfig;
import io.auditdrain.digester.lambda.ScheduledDigestHandler;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainResponse;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.lambda.InvocationContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The evidence chain an auditor relies on, with real components: the receiver's request handling and its S3 store
 * take a day of Logplex traffic across every hour, the digester's Lambda handler (in-process) signs a digest per
 * hour with moto's KMS, then the archive is tampered with four ways and verify-archive must name each, exactly.
 */
class ArchiveEvidenceIT {

    private static final String APP = "acme-api-prod";
    private static final String SECRET = "YWNtZS1hcGktcHJvZC1zZWNyZXQtZm9yLXRoZS10ZXN0cw";
    private static final Instant DAY = Instant.parse("2026-03-14T00:00:00Z");
    private static final Instant DIGESTER_RUN = Instant.parse("2026-03-15T00:30:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsEmulator emulator = AwsEmulator.shared();
    private final String bucket = "evidence-" + UUID.randomUUID().toString().substring(0, 12);
    private S3Client s3;
    private KmsClient kms;
    private String keyArn;
    private Receiver receiver;
    private final Random random = new Random(20260314);

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY));
        s3 = S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true)
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(credentials).build();
        kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(credentials).build();
        s3.createBucket(r -> r.bucket(bucket));
        s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        keyArn = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata().arn();
        Path secrets = dir.resolve("credentials.properties");
        Files.writeString(secrets, APP + "=" + SECRET + "\n");
        receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://" + bucket,
                "AUDITDRAIN_CREDENTIALS", "file:" + secrets,
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", emulator.endpoint().toString())), new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        s3.close();
        kms.close();
    }

    @Test
    void a_tampered_day_is_reported_interval_by_interval_naming_each_change() throws Exception {
        // A day of traffic: three batches an hour (statements in two chunks among router lines), none at 04:00.
        Map<Integer, List<String>> keysByHour = new TreeMap<>();
        for (int hour = 0; hour < 24; hour++) {
            if (hour == 4) {
                continue;
            }
            for (int minute : new int[] {5, 25, 45}) {
                keysByHour.computeIfAbsent(hour, h -> new ArrayList<>())
                        .addAll(post(DAY.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute))));
            }
        }
        runDigester();
        assertEquals(24, s3.listObjectsV2(r -> r.bucket(bucket).prefix(DigestLayout.appPrefix(APP))).keyCount());
        VerifierRun clean = verify("--json").assertExit(0, "an untouched day is valid");
        assertEquals(69, JSON.readTree(clean.out()).get("summary").get("objects_checked").asInt());

        String deleted = keysByHour.get(3).get(1);
        s3.deleteObject(r -> r.bucket(bucket).key(deleted));
        String overwritten = keysByHour.get(9).get(0);
        s3.putObject(r -> r.bucket(bucket).key(overwritten).contentEncoding("gzip"),
                RequestBody.fromBytes(s3.getObjectAsBytes(r -> r.bucket(bucket).key(keysByHour.get(9).get(2)))
                        .asByteArray()));
        String foreign = new ObjectKey(APP, DAY.plus(Duration.ofHours(15)).plusSeconds(1234).toEpochMilli(),
                UUID.randomUUID()).toString();
        s3.putObject(r -> r.bucket(bucket).key(foreign), RequestBody.fromBytes(
                s3.getObjectAsBytes(r -> r.bucket(bucket).key(keysByHour.get(15).get(0))).asByteArray()));
        String removedDigest = DigestLayout.key(APP, DAY.plus(Duration.ofHours(20)));
        s3.deleteObject(r -> r.bucket(bucket).key(removedDigest));

        VerifierRun text = verify().assertExit(1, "the tampered day fails");
        System.out.println("verify-archive on the tampered day:\n" + text.out());
        JsonNode report = JSON.readTree(verify("--json").assertExit(1, "").out());

        Map<String, String> failing = new LinkedHashMap<>();
        Map<String, List<String>> findings = new LinkedHashMap<>();
        for (JsonNode i : report.get("intervals")) {
            if (!i.get("status").asText().equals("valid")) {
                failing.put(i.get("start").asText(), i.get("status").asText());
            }
            for (JsonNode f : i.get("findings")) {
                findings.computeIfAbsent(i.get("start").asText(), k -> new ArrayList<>())
                        .add(f.get("kind").asText() + " " + f.get("key").asText());
            }
        }
        assertEquals(Map.of("2026-03-14T03:00:00Z", "missing_object", "2026-03-14T09:00:00Z", "modified",
                "2026-03-14T15:00:00Z", "extra_object", "2026-03-14T20:00:00Z", "digest_missing"), failing,
                text.out());
        assertEquals(Map.of("2026-03-14T03:00:00Z", List.of("missing_object " + deleted),
                "2026-03-14T09:00:00Z", List.of("modified " + overwritten),
                "2026-03-14T15:00:00Z", List.of("extra_object " + foreign),
                "2026-03-14T20:00:00Z", List.of("digest_missing " + removedDigest)), findings, text.out());
        JsonNode summary = report.get("summary");
        assertEquals(20, summary.get("valid").asInt());
        assertEquals(24, report.get("intervals").size());
        assertTrue(text.out().contains("FAIL  4 intervals with findings"), text.out());
    }

    /** One Logplex batch through the receiver's request handling; returns the keys it stored. */
    private List<String> post(Instant at) {
        List<String> messages = new ArrayList<>();
        long pid = 4000 + random.nextInt(5000);
        for (int i = 0; i < 4; i++) {
            Instant t = at.plusSeconds(i * 7L);
            String stamp = t.toString().replace("Z", "+00:00");
            messages.add("<158>1 " + stamp + " host heroku router - at=info method=POST path=\"/api/events\""
                    + " host=acme.example request_id=" + UUID.randomUUID() + " status=201 bytes=88");
            String id = "evt-" + t.getEpochSecond() + "-" + i;
            messages.add("<134>1 " + stamp.substring(0, 19) + "+00:00 host app postgres." + pid + " - [DATABASE] ["
                    + (i + 1) + "-1]  sql_error_code = 00000 time_ms = \"" + t + "\" pid=\"" + pid + "\" user=\""
                    + "raptor_app\" database=\"d1abc\" LOG:  statement: INSERT INTO customer_audit_events (id,"
                    + " dimension, customer_id, actor_id, actor_type, action, at_utc)");
            messages.add("<134>1 " + stamp.substring(0, 19) + "+00:00 host app postgres." + pid + " - [DATABASE] ["
                    + (i + 1) + "-2]  VALUES ('" + id + "', 'billing', 'cus_42', 'usr_7', 'user', 'plan.changed', now())");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String m : messages) {
            byte[] bytes = (m + "\n").getBytes(UTF_8);
            body.writeBytes((bytes.length + " ").getBytes(UTF_8));
            body.writeBytes(bytes);
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", "Basic " + Base64.getEncoder().encodeToString((APP + ":" + SECRET)
                .getBytes(UTF_8)));
        headers.put("content-type", "application/logplex-1");
        headers.put("logplex-msg-count", Integer.toString(messages.size()));
        headers.put("logplex-frame-id", HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(UTF_8), 0, 16));
        headers.put("logplex-drain-token", "d." + UUID.randomUUID());
        DrainResponse response = receiver.handler().handle(new DrainRequest("POST", "/logs", headers,
                body.toByteArray()));
        assertEquals(200, response.status(), () -> "the receiver stored the batch of " + at);
        String prefix = ObjectKeyLayout.dayPrefix(APP, DAY.atOffset(ZoneOffset.UTC).toLocalDate());
        List<String> keys = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)
                .startAfter(ObjectKeyLayout.startAfter(APP, at))).contents()) {
            if (ObjectKeyLayout.parse(o.key()).time().isBefore(at.plusSeconds(60))) {
                keys.add(o.key());
            }
        }
        assertEquals(1, keys.size(), "one object per batch");
        return keys;
    }

    private void runDigester() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ScheduledDigestHandler handler = new ScheduledDigestHandler(DigesterConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://" + bucket,
                "AUDITDRAIN_DIGEST_KEY_ID", keyArn,
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", emulator.endpoint().toString())), new PrintStream(log, true, UTF_8),
                Clock.fixed(DIGESTER_RUN, ZoneOffset.UTC));
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(UTF_8)), new ByteArrayOutputStream(),
                InvocationContext.of("auditdrain-digester", Duration.ofMinutes(5)));
    }

    private VerifierRun verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify-archive", "--app", APP, "--store", "s3://" + bucket,
                "--from", "2026-03-14", "--to", "2026-03-15", "--key-id", keyArn));
        args.addAll(List.of(extra));
        return VerifierRun.run(Map.of("AWS_ENDPOINT_URL", emulator.endpoint().toString(), "AWS_REGION",
                AwsEmulator.REGION, "AWS_ACCESS_KEY_ID", AwsEmulator.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY",
                AwsEmulator.SECRET_KEY), args.toArray(String[]::new));
    }
}
