package io.auditdrain.receiver.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.RetriedBatches;
import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.LogplexFixtures;
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
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The local server over real HTTP, with both stores. */
class LocalServerIT {

    private static final String SECRET = "bG9jYWwtc2VydmVyLXNlY3JldC0xMjM0NTY3ODkwMTI";

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

    private URI start(Map<String, String> env) throws IOException {
        Receiver receiver = Receiver.create(ReceiverConfig.fromEnvironment(env), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 4);
        started.add(server);
        started.add(receiver);
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The local server storing to {@code bucket} on the emulator, with my-app's secret in its SSM. */
    private URI startWithS3Store(AwsEmulator emulator, SsmClient ssm, String bucket) throws IOException {
        Drains.putSecret(ssm, "my-app", "secret", SECRET);
        return start(Map.of("AUDITDRAIN_STORE", "s3://" + bucket, "AUDITDRAIN_CREDENTIALS", "ssm:" + Drains.PREFIX,
                "AWS_REGION", AwsEmulator.REGION, "AWS_ENDPOINT_URL", emulator.endpoint().toString()));
    }

    private URI startWithDirectoryStore() throws IOException {
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, "my-app=" + SECRET + "\n");
        return start(Map.of("AUDITDRAIN_STORE", "file:" + dir.resolve("store"),
                "AUDITDRAIN_CREDENTIALS", "file:" + credentials));
    }

    @Test
    void each_fixture_posted_to_the_directory_store_comes_back_byte_for_byte() throws Exception {
        URI base = startWithDirectoryStore();
        for (String fixture : LogplexFixtures.NAMES) {
            byte[] body = LogplexFixtures.body(fixture);
            HttpResponse<String> response = post(base, body, Drains.basic("my-app", SECRET));
            assertEquals(200, response.statusCode(), fixture);
        }
        List<String> stored = new ArrayList<>();
        for (Path file : gzFiles(dir.resolve("store"))) {
            assertTrue(dir.resolve("store").relativize(file).toString().matches(
                    "logs/my-app/\\d{4}/\\d{2}/\\d{2}/\\d{13}-[0-9a-f-]{36}\\.gz"), file.toString());
            stored.addAll(LineCodec.decodeAllUtf8(GzipDecoder.decode(Files.readAllBytes(file))));
        }
        List<String> expected = new ArrayList<>();
        for (String fixture : LogplexFixtures.NAMES) {
            expected.addAll(Drains.expectedMessages(LogplexFixtures.body(fixture)));
        }
        assertEquals(expected.stream().sorted().toList(), stored.stream().sorted().toList());
    }

    @Test
    void each_fixture_posted_to_the_s3_store_comes_back_byte_for_byte() throws Exception {
        AwsEmulator emulator = AwsEmulator.shared();
        emulator.reset();
        try (S3Client s3 = Drains.s3(emulator); var ssm = Drains.ssm(emulator)) {
            s3.createBucket(r -> r.bucket("local-server-bucket"));
            URI base = startWithS3Store(emulator, ssm, "local-server-bucket");
            for (String fixture : LogplexFixtures.NAMES) {
                s3.listObjectsV2(r -> r.bucket("local-server-bucket")).contents()
                        .forEach(o -> s3.deleteObject(r -> r.bucket("local-server-bucket").key(o.key())));
                byte[] body = LogplexFixtures.body(fixture);
                assertEquals(200, post(base, body, Drains.basic("my-app", SECRET)).statusCode(), fixture);
                List<S3Object> objects = s3.listObjectsV2(r -> r.bucket("local-server-bucket")).contents();
                assertEquals(1, objects.size());
                byte[] gz = s3.getObjectAsBytes(r -> r.bucket("local-server-bucket").key(objects.get(0).key()))
                        .asByteArray();
                assertEquals(Drains.expectedMessages(body), LineCodec.decodeAllUtf8(GzipDecoder.decode(gz)), fixture);
            }
        }
    }

    @Test
    void retries_of_a_body_without_a_parsable_timestamp_store_one_file_at_epoch_zero() throws Exception {
        URI base = startWithDirectoryStore();
        for (int attempt = 0; attempt < 3; attempt++) {
            assertEquals(200, postAsLogplex(base, RetriedBatches.undatedBody(), 3));
        }
        List<Path> files = gzFiles(dir.resolve("store"));
        assertEquals(1, files.size(), files.toString());
        assertTrue(dir.resolve("store").relativize(files.get(0)).toString()
                .startsWith("logs/my-app/1970/01/01/0000000000000-"), files.toString());
        RetriedBatches.assertStoredOnce(read(files), RetriedBatches.UNDATED);
    }

    @Test
    void a_retry_with_an_l10_notice_in_front_stores_the_notice_and_not_the_batch_again() throws Exception {
        URI base = startWithDirectoryStore();
        assertEquals(200, postAsLogplex(base, RetriedBatches.batch(), 2));
        assertEquals(200, postAsLogplex(base, RetriedBatches.batchAfterNotice(), 3));
        assertEquals(200, postAsLogplex(base, RetriedBatches.batchAfterNotice(), 3));
        List<Path> files = gzFiles(dir.resolve("store"));
        assertEquals(2, files.size(), files.toString());
        RetriedBatches.assertStoredOnce(read(files), RetriedBatches.batchAndNotice());
    }

    @Test
    void retries_to_a_versioned_s3_bucket_leave_one_version_per_object() throws Exception {
        AwsEmulator emulator = AwsEmulator.shared();
        emulator.reset();
        try (S3Client s3 = Drains.s3(emulator); var ssm = Drains.ssm(emulator)) {
            s3.createBucket(r -> r.bucket("retried-batches"));
            s3.putBucketVersioning(r -> r.bucket("retried-batches").versioningConfiguration(v -> v.status("Enabled")));
            URI base = startWithS3Store(emulator, ssm, "retried-batches");
            assertEquals(200, postAsLogplex(base, RetriedBatches.undatedBody(), 3));
            assertEquals(200, postAsLogplex(base, RetriedBatches.undatedBody(), 3));
            assertEquals(200, postAsLogplex(base, RetriedBatches.batch(), 2));
            assertEquals(200, postAsLogplex(base, RetriedBatches.batchAfterNotice(), 3));
            List<ObjectVersion> versions = s3.listObjectVersions(r -> r.bucket("retried-batches")).versions();
            assertEquals(3, versions.size(), "undated body, batch, notice: " + versions);
            List<String> expected = new ArrayList<>(RetriedBatches.batchAndNotice());
            expected.addAll(RetriedBatches.UNDATED);
            RetriedBatches.assertStoredOnce(versions.stream().map(v -> s3.getObjectAsBytes(r -> r
                    .bucket("retried-batches").key(v.key()).versionId(v.versionId())).asByteArray()).toList(), expected);
        }
    }

    /** A POST with the headers Logplex sends, Frame-Id included. */
    private int postAsLogplex(URI base, byte[] body, int messages) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/logs"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        RetriedBatches.logplexHeaders(Drains.basic("my-app", SECRET), messages).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<byte[]> read(List<Path> files) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (Path f : files) {
            contents.add(Files.readAllBytes(f));
        }
        return contents;
    }

    @Test
    void health_is_open_and_drains_need_credentials() throws Exception {
        URI base = startWithDirectoryStore();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals(401, post(base, LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"), null)
                .statusCode());
        assertEquals(401, post(base, LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"),
                Drains.basic("my-app", "nope")).statusCode());
        assertEquals(0, gzFiles(dir.resolve("store")).size());
    }

    @Test
    void a_body_above_what_lambda_accepts_gets_413_and_one_just_below_is_stored() throws Exception {
        URI base = startWithDirectoryStore();
        assertEquals(413, post(base, new byte[DrainRequestHandler.MAX_BODY_BYTES + 1], Drains.basic("my-app", SECRET))
                .statusCode());
        String line = "<190>1 2026-11-22T10:00:00.000001+00:00 host app web.1 - " + "x".repeat(9_900);
        String frame = (line.length() + 1) + " " + line + "\n";
        byte[] big = frame.repeat(DrainRequestHandler.MAX_BODY_BYTES / frame.length()).getBytes(UTF_8);
        assertEquals(200, post(base, big, Drains.basic("my-app", SECRET)).statusCode());
        assertEquals(1, gzFiles(dir.resolve("store")).size());
    }

    @Test
    void concurrent_batches_are_all_stored() throws Exception {
        URI base = startWithDirectoryStore();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String message = "<190>1 2026-11-22T10:00:" + String.format("%02d", i) + ".000001+00:00 host app web.1 - n=" + i;
            byte[] body = ((message.length() + 1) + " " + message + "\n").getBytes(UTF_8);
            inFlight.add(http.sendAsync(request(base, body, Drains.basic("my-app", SECRET)),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            assertEquals(200, f.get().statusCode());
        }
        assertEquals(24, gzFiles(dir.resolve("store")).size());
    }

    private HttpResponse<String> post(URI base, byte[] body, String authorization) throws Exception {
        return http.send(request(base, body, authorization), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(URI base, byte[] body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/logs"))
                .header("Content-Type", "application/logplex-1")
                .header("Logplex-Msg-Count", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    private static List<Path> gzFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".gz")).sorted().toList();
        }
    }
}
