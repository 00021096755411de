package io.auditdrain.verifier.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.verifier.testsupport.TestBucket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Version histories through ListObjectVersions on the emulator: every version and delete marker, every page; and
 * versions read once when shared.
 */
class S3ArchiveReaderIT {

    private static final String APP = "acme-api";
    private static final String PREFIX = ObjectKeyLayout.dayPrefix(APP, LocalDate.of(2026, 3, 14));

    @Test
    void a_history_lists_each_version_and_delete_marker_oldest_first_on_every_page_within_the_range() {
        TestBucket bucket = new TestBucket().configuredAsReference();
        String before = key(1000);
        String once = key(2000);
        String thrice = key(3000);
        String deleted = key(4000);
        String after = key(9000);
        for (String k : List.of(before, once, thrice, deleted, after)) {
            put(bucket, k, "first");
        }
        // Within one second (S3's LastModified has whole seconds) the order S3 lists a key's versions in decides;
        // a delete marker and a version of the same second are told apart by which one is latest.
        put(bucket, thrice, "second");
        put(bucket, thrice, "third");
        bucket.s3().deleteObject(r -> r.bucket(bucket.name()).key(deleted));
        List<String> expected = List.of(once + " v", thrice + " v", thrice + " v", thrice + " v", deleted + " v",
                deleted + " DM");

        for (int pageSize : new int[] {1000, 2, 1}) {
            S3ArchiveReader reader = new S3ArchiveReader(bucket.s3(), bucket.name(), pageSize);
            List<StoredVersion> history = reader.listVersions(PREFIX, key(1500), key(8000));
            assertEquals(expected, history.stream().map(v -> v.key() + (v.deleteMarker() ? " DM" : " v")).toList(),
                    "page size " + pageSize);
            List<String> thriceBytes = history.stream().filter(v -> v.key().equals(thrice))
                    .map(v -> new String(reader.readVersion(thrice, v.versionId()).orElseThrow())).toList();
            assertEquals(List.of("first", "second", "third"), thriceBytes, "oldest first");
        }
    }

    @Test
    void a_shared_version_is_fetched_once_however_many_threads_ask_and_others_each_time() throws Exception {
        TestBucket bucket = new TestBucket().configuredAsReference();
        String record = "proof/" + APP + "/2026/03/14/record.json";
        String object = key(1000);
        put(bucket, record, "a run record");
        put(bucket, object, "a drained object");
        String recordVersion = bucket.s3().headObject(r -> r.bucket(bucket.name()).key(record)).versionId();
        String objectVersion = bucket.s3().headObject(r -> r.bucket(bucket.name()).key(object)).versionId();
        AtomicInteger gets = new AtomicInteger();
        ExecutionInterceptor counting = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest) {
                    gets.incrementAndGet();
                }
            }
        };
        AwsEmulator emulator = AwsEmulator.shared();
        S3Client client = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(emulator.endpoint()).forcePathStyle(true).region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY)))
                .overrideConfiguration(c -> c.addExecutionInterceptor(counting)).build();
        try (S3ArchiveReader reader = new S3ArchiveReader(client, bucket.name())) {
            reader.shareVersionReads(k -> k.startsWith("proof/"));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<byte[]>> reads = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    reads.add(pool.submit(() -> reader.readVersion(record, recordVersion).orElseThrow()));
                }
                for (Future<byte[]> r : reads) {
                    assertEquals("a run record", new String(r.get(), StandardCharsets.UTF_8));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, gets.get(), "16 reads of one shared version, one GetObject");
            reader.readVersion(object, objectVersion);
            reader.readVersion(object, objectVersion);
            assertEquals(3, gets.get(), "a key not shared is fetched each time it is read");
            assertEquals(Optional.empty(), reader.readVersion(record, "not-a-version-of-it"));
        }
    }

    private static String key(long millisIntoDay) {
        return PREFIX + (Instant.parse("2026-03-14T00:00:00Z").toEpochMilli() + millisIntoDay)
                + "-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz";
    }

    private static void put(TestBucket bucket, String key, String content) {
        bucket.s3().putObject(r -> r.bucket(bucket.name()).key(key).contentType("text/plain; charset=utf-8"),
                RequestBody.fromString(content));
    }
}
