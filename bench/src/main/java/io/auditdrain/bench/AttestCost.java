package io.auditdrain.bench;

import io.auditdrain.core.StoreLocation;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.cli.VerifierCli;
import io.auditdrain.verifier.proof.ProofRecordStore;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import io.auditdrain.verifier.testsupport.JdkDigestSigner;
import io.auditdrain.verifier.testsupport.SyntheticEvidence;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What {@code verifier attest} costs over a quarter against moto's S3, beside {@code verify-archive} over the same
 * quarter in the same run (attest runs verify-archive inside it, so the ratio is what the rest of an attestation
 * adds: the run records and their histories, the writers tally, the report). The quarter is the one AttestQuarterIT
 * asserts on, made by the verifier's own SyntheticEvidence: a run every 15 minutes (8,832 records, written by the
 * real record store), daily digests of the objects and the records by the real digester (hourly ones would take moto
 * hours to write: it copies the whole bucket for every listing, and the digester lists each interval), and the
 * drained tracers either in one object a day (a quiet app: 92 objects) or one object per run (8,832 objects). Each command runs in process, as the CLI does; the median
 * of the runs is reported.
 * Run: java -cp bench.jar io.auditdrain.bench.AttestCost [runs] [quiet|busy ...]   (default 3 quiet busy)
 */
public final class AttestCost {

    private static final String BUCKET = "attest-bench";
    private static final String APP = "bench-app";
    private static final Instant FROM = Instant.parse("2026-07-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-10-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-10-01T09:00:00Z"), ZoneOffset.UTC);

    private AttestCost() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> scenarios = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("quiet", "busy");
        AwsEmulator emulator = AwsEmulator.shared();
        Path dir = Files.createTempDirectory("attest-cost-");
        System.out.println("attest over a quarter (2026-07-01 to 2026-10-01, a run every 15 min), moto's S3, median of "
                + runs);
        for (String scenario : scenarios) {
            boolean busy = scenario.equals("busy");
            emulator.reset();
            long built = System.nanoTime();
            JdkDigestSigner signer = new JdkDigestSigner();
            Path key = Files.write(dir.resolve("key.der"), signer.publicKeyDer());
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL", emulator.endpoint().toString(), "AWS_REGION",
                    AwsEmulator.REGION, "AWS_ACCESS_KEY_ID", AwsEmulator.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY",
                    AwsEmulator.SECRET_KEY);
            int records;
            try (S3Client s3 = BenchEmulator.s3(emulator).build()) {
                s3.createBucket(r -> r.bucket(BUCKET));
                s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
                SyntheticEvidence.Plan plan = new SyntheticEvidence.Plan(APP, FROM, TO, Duration.ofMinutes(15),
                        List.of(), List.of(), busy ? SyntheticEvidence.Tracers.PER_RUN : SyntheticEvidence.Tracers.PER_DAY,
                        7);
                try (ProofRecordStore store = ProofRecordStore.open(StoreLocation.parse("s3://" + BUCKET),
                        new Environment(env))) {
                    records = SyntheticEvidence.write(plan, store, DrainedObjects.s3(s3, BUCKET), 8).size();
                }
                SyntheticEvidence.digestAfterwards(s3, BUCKET, APP, Duration.ofDays(1), NOW.instant(), signer);
            }
            System.out.printf("  %s: %,d run records, %,d drained objects, 92 daily digests (built in %ds)%n",
                    scenario, records, busy ? records : 92, Duration.ofNanos(System.nanoTime() - built).toSeconds());
            List<Double> verify = new ArrayList<>();
            List<Double> attest = new ArrayList<>();
            String[] common = {"--app", APP, "--store", "s3://" + BUCKET, "--from", FROM.toString(), "--to",
                TO.toString(), "--public-key", key.toString(), "--pending",
                // Digested in one run after the quarter: accept digests written that late (the timing is the subject).
                Duration.between(FROM, NOW.instant()).plusHours(1).toHours() + "h"};
            run(env, concat(new String[] {"verify-archive"}, common)); // warm-up: classes, JIT, moto's caches
            for (int i = 0; i < runs; i++) {
                verify.add(run(env, concat(new String[] {"verify-archive"}, common)));
                attest.add(run(env, concat(concat(new String[] {"attest"}, common), new String[] {"--output",
                    dir.resolve("report.html").toString()})));
            }
            double v = median(verify);
            double a = median(attest);
            System.out.printf("    verify-archive  %6.1f s%n", v);
            System.out.printf("    attest          %6.1f s   (%.2fx verify-archive; report %,d KB HTML, %,d KB JSON)%n",
                    a, a / v, Files.size(dir.resolve("report.html")) / 1024, Files.size(dir.resolve("report.json"))
                            / 1024);
            System.out.println("      its parts, side by side: " + lastTimings);
        }
    }

    /** attest's own account of its parts (its last stderr line), from the last run. */
    private static String lastTimings = "";

    /** Runs one command in process; its wall time in seconds (exit 0 or 1: a report was made). */
    private static double run(Map<String, String> env, String[] args) {
        StringWriter err = new StringWriter();
        long started = System.nanoTime();
        int code = VerifierCli.execute(new Environment(env), NOW, new PrintWriter(new StringWriter()),
                new PrintWriter(err), args);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (code > 1) {
            throw new IllegalStateException(args[0] + " failed: " + err);
        }
        err.toString().lines().filter(l -> l.strip().startsWith("records listed in")).reduce((x, y) -> y)
                .ifPresent(l -> lastTimings = l.strip());
        return seconds;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
