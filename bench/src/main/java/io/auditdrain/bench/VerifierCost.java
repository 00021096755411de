package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.ByteSink;
import io.auditdrain.core.GzipEncoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.verifier.logs.StatementMatcher;
import io.auditdrain.verifier.smoke.TracerSearch;
import io.auditdrain.verifier.store.S3ArchiveReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The verifier's cost once the tracer's object has landed, with N objects already under today's prefix: the time
 * and the number of S3 requests until PASS, beside the naive approach (list the whole day prefix, then read the
 * newest object, as the runbook's {@code aws s3 ls | sort | tail -1} does). The verifier must stay flat as N grows.
 * Run: java -cp bench.jar io.auditdrain.bench.VerifierCost [N...]   (default 2000 20000)
 */
public final class VerifierCost {

    private static final String BUCKET = "verifier-bench";
    private static final String APP = "bench-app";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);

    private VerifierCost() {
    }

    /** Counts the HTTP requests a client makes. */
    static final class RequestCounter implements ExecutionInterceptor {
        final AtomicInteger requests = new AtomicInteger();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            requests.incrementAndGet();
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(2_000, 20_000);
        }
        AwsEmulator emulator = AwsEmulator.shared();
        RequestCounter counter = new RequestCounter();
        try (S3Client s3 = BenchEmulator.s3(emulator).overrideConfiguration(c -> c.addExecutionInterceptor(counter))
                .build()) {
            System.out.println("verifier cost after the tracer's object lands (S3 emulator)");
            System.out.printf("  %8s | %-30s | %-30s%n", "objects", "verifier (StartAfter)", "naive (list day, read newest)");
            for (int n : sizes) {
                emulator.reset();
                s3.createBucket(r -> r.bucket(BUCKET));
                Instant insert = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                fill(s3, n, insert);
                String tag = "pgaudit-smoke-" + insert.getEpochSecond() + "-bench";
                put(s3, insert.plusSeconds(2), List.of(statement(insert.plusSeconds(2), tag)));

                S3ArchiveReader store = new S3ArchiveReader(s3, BUCKET);
                counter.requests.set(0);
                long started = System.nanoTime();
                TracerSearch.Outcome outcome = new TracerSearch(store, APP,
                        new TracerSearch.Settings(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                        Clock.systemUTC(), TracerSearch.Progress.NONE)
                        .search(insert, new StatementMatcher("customer_audit_events", tag));
                double verifierMs = (System.nanoTime() - started) / 1e6;
                int verifierRequests = counter.requests.get();
                if (!(outcome instanceof TracerSearch.Found)) {
                    throw new IllegalStateException("tracer not found with " + n + " objects");
                }

                counter.requests.set(0);
                started = System.nanoTime();
                String prefix = ObjectKeyLayout.dayPrefix(APP, LocalDate.ofInstant(insert, ZoneOffset.UTC));
                String newest = null;
                for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix))) {
                    for (S3Object o : page.contents()) {
                        newest = o.key();
                    }
                }
                String lastKey = newest;
                s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(lastKey));
                double naiveMs = (System.nanoTime() - started) / 1e6;
                int naiveRequests = counter.requests.get();
                System.out.printf("  %8d | %8.1f ms, %4d requests     | %8.1f ms, %4d requests%n", n, verifierMs,
                        verifierRequests, naiveMs, naiveRequests);
            }
        } finally {
            emulator.close();
        }
    }

    /** N objects earlier today (before the INSERT minus the margin), written in parallel. */
    private static void fill(S3Client s3, int n, Instant insert) throws Exception {
        long dayStart = insert.truncatedTo(java.time.temporal.ChronoUnit.DAYS).toEpochMilli();
        long before = insert.minusSeconds(60).toEpochMilli();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long t = dayStart + (long) ((before - dayStart) * (i / (double) n));
                Instant at = Instant.ofEpochMilli(Math.max(dayStart, t));
                puts.add(pool.submit(() -> put(s3, at, List.of("<190>1 " + SECONDS.format(at)
                        + " host app web.1 - GET /items status=200"))));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static String statement(Instant at, String tag) {
        return "<134>1 " + SECONDS.format(at) + " host app postgres.4242 - [DATABASE] [7-1]  sql_error_code = 00000 "
                + "time_ms = \"x\" user=\"raptor_app\" LOG:  statement: INSERT INTO customer_audit_events (id, "
                + "dimension) VALUES ('" + tag + "', 'system_automated')";
    }

    private static void put(S3Client s3, Instant at, List<String> messages) {
        ByteSink lines = new ByteSink(256);
        for (String m : messages) {
            byte[] b = m.getBytes(UTF_8);
            LineCodec.encode(b, 0, b.length, lines);
        }
        byte[] gz;
        try (GzipEncoder gzip = new GzipEncoder(6)) {
            ByteSink out = new ByteSink(256);
            gzip.encode(lines.array(), 0, lines.size(), out);
            gz = out.toByteArray();
        }
        String key = new ObjectKey(APP, at.toEpochMilli(), UUID.randomUUID()).toString();
        s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(gz));
    }
}
