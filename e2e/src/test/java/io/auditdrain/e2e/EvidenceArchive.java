package io.auditdrain.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.ObjectKeyLayout;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An archive as production builds it, on moto's S3 (versioned) and KMS: Logplex bodies through the receiver's
 * request handling and its S3 store, and the digester's Lambda handler run as its schedule runs it, on a clock the
 * test moves. verify-archive runs in process, with the key from kms:GetPublicKey.
 */
final class EvidenceArchive implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsEmulator emulator = AwsEmulator.shared();
    final String bucket = "evidence-" + UUID.randomUUID().toString().substring(0, 12);
    final S3Client s3;
    private final KmsClient kms;
    final String keyArn;
    private final Receiver receiver;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Random random;
    private final List<String> digesterLog = new ArrayList<>();
    private final ScheduleClock clock = new ScheduleClock();
    private final ByteArrayOutputStream digesterOut = new ByteArrayOutputStream();
    private ScheduledDigestHandler digester;

    EvidenceArchive(Path dir, long seed, String... apps) {
        random = new Random(seed);
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
        StringBuilder properties = new StringBuilder();
        for (String app : apps) {
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (app + "-secret-for-the-evidence-tests").getBytes(UTF_8));
            secrets.put(app, secret);
            properties.append(app).append('=').append(secret).append('\n');
        }
        try {
            Path file = dir.resolve("credentials-" + bucket + ".properties");
            Files.writeString(file, properties);
            receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                    "AUDITDRAIN_STORE", "s3://" + bucket,
                    "AUDITDRAIN_CREDENTIALS", "file:" + file,
                    "AWS_REGION", AwsEmulator.REGION,
                    "AWS_ENDPOINT_URL", emulator.endpoint().toString())), new PrintStream(new ByteArrayOutputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One Logplex batch of {@code app} through the receiver: router lines and Heroku Postgres INSERTs split in two
     * chunks, the newest stamped {@code at}. Returns the key it stored.
     */
    String post(String app, Instant at) {
        List<String> messages = new ArrayList<>();
        long pid = 4000 + random.nextInt(5000);
        for (int i = 3; i >= 0; i--) {
            Instant t = at.minusSeconds(i * 7L);
            String stamp = t.toString().replace("Z", "+00:00");
            messages.add("<158>1 " + stamp + " host heroku router - at=info method=POST path=\"/api/events\""
                    + " host=" + app + ".example request_id=" + UUID.randomUUID() + " status=201 bytes=88");
            String id = app + "-evt-" + t.getEpochSecond() + "-" + i;
            String pgStamp = stamp.substring(0, 19) + "+00:00";
            messages.add("<134>1 " + pgStamp + " host app postgres." + pid + " - [DATABASE] [" + (4 - i) + "-1]"
                    + "  sql_error_code = 00000 time_ms = \"" + t + "\" pid=\"" + pid + "\" user=\"raptor_app\""
                    + " database=\"d1abc\" LOG:  statement: INSERT INTO customer_audit_events (id, dimension,"
                    + " customer_id, actor_id, actor_type, action, at_utc)");
            messages.add("<134>1 " + pgStamp + " host app postgres." + pid + " - [DATABASE] [" + (4 - i) + "-2]"
                    + "  VALUES ('" + id + "', 'billing', 'cus_42', 'usr_7', 'user', 'plan.changed', now())");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String m : messages) {
            byte[] bytes = (m + "\n").getBytes(UTF_8);
            body.writeBytes((bytes.length + " ").getBytes(UTF_8));
            body.writeBytes(bytes);
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", "Basic " + Base64.getEncoder().encodeToString((app + ":" + secrets.get(app))
                .getBytes(UTF_8)));
        headers.put("content-type", "application/logplex-1");
        headers.put("logplex-msg-count", Integer.toString(messages.size()));
        headers.put("logplex-frame-id", HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(UTF_8), 0, 16));
        headers.put("logplex-drain-token", "d." + UUID.randomUUID());
        DrainResponse response = receiver.handler().handle(new DrainRequest("POST", "/logs", headers,
                body.toByteArray()));
        assertEquals(200, response.status(), () -> "the receiver stored the batch of " + at);
        String prefix = ObjectKeyLayout.dayPrefix(app, LocalDate.ofInstant(at, ZoneOffset.UTC));
        List<String> keys = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)
                .startAfter(ObjectKeyLayout.startAfter(app, at))).contents()) {
            if (ObjectKeyLayout.parse(o.key()).time().equals(at)) {
                keys.add(o.key());
            }
        }
        assertEquals(1, keys.size(), "one object per batch");
        return keys.get(0);
    }

    /** The digester's Lambda handler, invoked by the schedule at {@code now}; returns its log line. */
    String runDigester(Instant now) {
        if (digester == null) {
            // One execution environment for every run, as Lambda keeps a warm one: built once, on the test's clock.
            digester = new ScheduledDigestHandler(DigesterConfig.fromEnvironment(Map.of(
                    "AUDITDRAIN_STORE", "s3://" + bucket,
                    "AUDITDRAIN_DIGEST_KEY_ID", keyArn,
                    "AWS_REGION", AwsEmulator.REGION,
                    "AWS_ENDPOINT_URL", emulator.endpoint().toString())), new PrintStream(digesterOut, true, UTF_8),
                    clock);
        }
        clock.now = now;
        digesterOut.reset();
        try {
            digester.handleRequest(new ByteArrayInputStream("{}".getBytes(UTF_8)), new ByteArrayOutputStream(),
                    InvocationContext.of("auditdrain-digester", Duration.ofMinutes(5)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String line = digesterOut.toString(UTF_8).strip();
        digesterLog.add(line);
        return line;
    }

    /** The schedule's clock: the test sets the time of each run. */
    private static final class ScheduleClock extends Clock {
        Instant now = Instant.EPOCH;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** verify-archive as an auditor runs it at {@code now}, with the key from kms:GetPublicKey. */
    VerifierRun verify(Instant now, String app, Instant from, Instant to, String... extra) {
        List<String> args = new ArrayList<>(List.of("verify-archive", "--app", app, "--store", "s3://" + bucket,
                "--from", from.toString(), "--to", to.toString(), "--key-id", keyArn));
        args.addAll(List.of(extra));
        return VerifierRun.run(Map.of("AWS_ENDPOINT_URL", emulator.endpoint().toString(), "AWS_REGION",
                AwsEmulator.REGION, "AWS_ACCESS_KEY_ID", AwsEmulator.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY",
                AwsEmulator.SECRET_KEY), Clock.fixed(now, ZoneOffset.UTC), args.toArray(String[]::new));
    }

    static JsonNode json(VerifierRun run) {
        try {
            return JSON.readTree(run.out());
        } catch (IOException e) {
            throw new UncheckedIOException(run.output(), e);
        }
    }

    byte[] read(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    }

    /** A delete marker on the key, as {@code aws s3 rm} leaves it: the versions stay in the history. */
    void deleteMarker(String key) {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
    }

    /** Every version and delete marker of the key removed (s3:DeleteObjectVersion, what Object Lock prevents). */
    void deleteForGood(String key) {
        for (var page : s3.listObjectVersionsPaginator(r -> r.bucket(bucket).prefix(key))) {
            for (ObjectVersion v : page.versions()) {
                if (v.key().equals(key)) {
                    s3.deleteObject(r -> r.bucket(bucket).key(key).versionId(v.versionId()));
                }
            }
            for (DeleteMarkerEntry m : page.deleteMarkers()) {
                if (m.key().equals(key)) {
                    s3.deleteObject(r -> r.bucket(bucket).key(key).versionId(m.versionId()));
                }
            }
        }
    }

    List<String> digesterLog() {
        return List.copyOf(digesterLog);
    }

    @Override
    public void close() {
        receiver.close();
        s3.close();
        kms.close();
    }
}
