package io.auditdrain.receiver.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.RetriedBatches;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.testing.AwsEmulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/** Logplex's retries over real HTTP to the local server, with both stores: a retry never makes a second object. */
class RetriedBatchLocalServerIT {

    private static final String SECRET = "cmV0cmllZC1iYXRjaGVzLWxvY2FsLXNlY3JldC0xMjM";
    private static final String BUCKET = "retried-batches-local";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    @Test
    void retries_of_a_body_without_a_parsable_timestamp_store_one_file_at_epoch_zero() throws Exception {
        URI base = startWithDirectoryStore();
        for (int attempt = 0; attempt < 3; attempt++) {
            assertEquals(200, post(base, RetriedBatches.undatedBody(), 3));
        }
        List<Path> files = storedFiles();
        assertEquals(1, files.size(), files.toString());
        assertTrue(dir.resolve("store").relativize(files.get(0)).toString()
                .startsWith("logs/retry-app/1970/01/01/0000000000000-"), files.toString());
        RetriedBatches.assertStoredOnce(read(files), RetriedBatches.UNDATED);
    }

    @Test
    void a_retry_with_an_l10_notice_in_front_stores_the_notice_and_not_the_batch_again() throws Exception {
        URI base = startWithDirectoryStore();
        assertEquals(200, post(base, RetriedBatches.batch(), 2));
        assertEquals(200, post(base, RetriedBatches.batchAfterNotice(), 3));
        assertEquals(200, post(base, RetriedBatches.batchAfterNotice(), 3));
        List<Path> files = storedFiles();
        assertEquals(2, files.size(), files.toString());
        RetriedBatches.assertStoredOnce(read(files), withNotice());
    }

    @Test
    void the_same_retries_to_a_versioned_s3_bucket_leave_one_version_per_object() throws Exception {
        AwsEmulator emulator = AwsEmulator.shared();
        emulator.reset();
        try (S3Client s3 = Drains.s3(emulator); var ssm = Drains.ssm(emulator)) {
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
            Drains.putSecret(ssm, "retry-app", "secret", SECRET);
            URI base = start(Map.of("AUDITDRAIN_STORE", "s3://" + BUCKET,
                    "AUDITDRAIN_CREDENTIALS", "ssm:" + Drains.PREFIX, "AWS_REGION", AwsEmulator.REGION,
                    "AWS_ENDPOINT_URL", emulator.endpoint().toString()));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertEquals(200, post(base, RetriedBatches.undatedBody(), 3));
            }
            assertEquals(200, post(base, RetriedBatches.batch(), 2));
            assertEquals(200, post(base, RetriedBatches.batchAfterNotice(), 3));
            List<ObjectVersion> versions = s3.listObjectVersions(r -> r.bucket(BUCKET)).versions();
            assertEquals(3, versions.size(), "undated body, batch, notice: " + versions);
            List<byte[]> contents = versions.stream().map(v -> s3.getObjectAsBytes(r -> r.bucket(BUCKET)
                    .key(v.key()).versionId(v.versionId())).asByteArray()).toList();
            List<String> expected = new ArrayList<>(withNotice());
            expected.addAll(RetriedBatches.UNDATED);
            RetriedBatches.assertStoredOnce(contents, expected);
        }
    }

    private static List<String> withNotice() {
        List<String> expected = new ArrayList<>(RetriedBatches.BATCH);
        expected.add(RetriedBatches.NOTICE);
        return expected;
    }

    private URI startWithDirectoryStore() throws IOException {
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, "retry-app=" + SECRET + "\n");
        return start(Map.of("AUDITDRAIN_STORE", "file:" + dir.resolve("store"),
                "AUDITDRAIN_CREDENTIALS", "file:" + credentials));
    }

    private URI start(Map<String, String> env) throws IOException {
        Receiver receiver = Receiver.create(ReceiverConfig.fromEnvironment(env),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 4);
        started.add(server);
        started.add(receiver);
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private int post(URI base, byte[] body, int messages) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/logs"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        RetriedBatches.logplexHeaders(Drains.basic("retry-app", SECRET), messages).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Every file under the store's directory: objects, and anything else a write may have left there. */
    private List<Path> storedFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(dir.resolve("store"))) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<byte[]> read(List<Path> files) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (Path f : files) {
            contents.add(Files.readAllBytes(f));
        }
        return contents;
    }
}
