package io.auditdrain.verifier.testsupport;

import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ProofKey;
import io.auditdrain.digest.DigestSigner;
import io.auditdrain.digester.ArchiveDigester;
import io.auditdrain.digester.aws.S3ArchiveBucket;
import io.auditdrain.verifier.cli.DoctorCommand;
import io.auditdrain.verifier.doctor.Check;
import io.auditdrain.verifier.proof.ProofRecord;
import io.auditdrain.verifier.proof.ProofRecordJson;
import io.auditdrain.verifier.proof.ProofRecordStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the scheduled verification leaves in an archive over a period, made up run by run from a plan: a run every
 * interval (a few seconds late, as EventBridge starts them), none in the plan's gaps, failing runs in its failure
 * windows, a record for each run written by the real record store, and the drained objects that hold the passing
 * runs' tracers (with a write of the application beside each). Deterministic for a seed, so that a test knows every
 * run's time, verdict and latency, and can state what an attestation must say.
 */
public final class SyntheticEvidence {

    /** The digester's default grace: an interval is closed this long after its end. */
    private static final Duration GRACE = Duration.ofMinutes(10);

    /** The checks a doctor run reports, each passing unless a window fails it. */
    public static final List<String> CHECKS = DoctorCommand.checks().stream().map(Check::name).toList();

    /** Where the passing runs' tracers are drained: an object per run, or one per day holding the day's tracers. */
    public enum Tracers { PER_RUN, PER_DAY }

    /** A stretch of the period, {@code [start, end)}. */
    public record Window(Instant start, Instant end) {
        public boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    /** Runs starting in the window fail {@code check} ({@code smoke}: the tracer is not found) with {@code detail}. */
    public record Failing(Window window, String check, String detail) {
    }

    public record Plan(String app, Instant from, Instant to, Duration interval, List<Window> gaps,
                       List<Failing> failures, Tracers tracers, long seed) {
    }

    /** One run as written: its record's key, the record, and its tracer's object (null when smoke failed). */
    public record Run(ProofKey key, ProofRecord record, String tracerObject) {
        public Instant time() {
            return key.time();
        }
    }

    private SyntheticEvidence() {
    }

    /** The runs of the plan, in time order, with their records, without writing anything. */
    public static List<Run> runs(Plan plan) {
        Random random = new Random(plan.seed());
        List<Run> runs = new ArrayList<>();
        long slots = Duration.between(plan.from(), plan.to()).toMillis() / plan.interval().toMillis();
        for (long k = 0; k < slots; k++) {
            // EventBridge starts a run a few seconds into its minute; never past the slot's end.
            Instant start = plan.from().plus(plan.interval().multipliedBy(k)).plusMillis(3_000
                    + random.nextInt(45_000));
            long latency = random.nextInt(500) == 0 ? 70_000 + random.nextInt(20_000) : 18_000 + random.nextInt(25_000);
            UUID id = new UUID(random.nextLong(), random.nextLong());
            UUID objectId = new UUID(random.nextLong(), random.nextLong());
            if (plan.gaps().stream().anyMatch(g -> g.contains(start))) {
                continue;
            }
            Failing failing = plan.failures().stream().filter(f -> f.window().contains(start)).findFirst()
                    .orElse(null);
            runs.add(run(plan, start, id, objectId, latency, failing));
        }
        return runs;
    }

    private static Run run(Plan plan, Instant start, UUID id, UUID objectId, long latency, Failing failing) {
        ProofKey key = new ProofKey(plan.app(), start.toEpochMilli(), id);
        Instant insert = start.plusMillis(480);
        boolean smokePassed = failing == null || !failing.check().equals("smoke");
        String tag = "pgaudit-smoke-" + insert.getEpochSecond() + "-" + tagSuffix(id);
        String object = null;
        ProofRecord.Smoke smoke;
        if (smokePassed) {
            Instant objectTime = insert.plusMillis(1_300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            object = plan.tracers() == Tracers.PER_RUN
                    ? new ObjectKey(plan.app(), objectTime.toEpochMilli(), objectId).toString()
                    : dayObject(plan.app(), LocalDate.ofInstant(start, ZoneOffset.UTC)).toString();
            smoke = new ProofRecord.Smoke("PASS", tag, insert, object, objectTime, insert.plusMillis(latency), latency,
                    null);
        } else {
            smoke = new ProofRecord.Smoke("FAIL", tag, insert, null, null, null, null, failing.detail());
        }
        List<ProofRecord.Check> checks = new ArrayList<>();
        for (String name : CHECKS) {
            boolean fails = failing != null && failing.check().equals(name);
            checks.add(new ProofRecord.Check(name, fails ? "FAIL" : "PASS", fails ? failing.detail() : name
                    + " holds for raptor_app"));
        }
        boolean doctorPassed = checks.stream().noneMatch(c -> c.verdict().equals("FAIL"));
        ProofRecord record = new ProofRecord(plan.app(), id, start, start.plusMillis(latency + 9_000), "0.1.0", smoke,
                new ProofRecord.Doctor(doctorPassed ? "PASS" : "FAIL", checks), null);
        return new Run(key, record, object);
    }

    /** The object that holds a day's tracers when they are drained one object a day: named at the day's last second. */
    public static ObjectKey dayObject(String app, LocalDate day) {
        Instant last = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
        return new ObjectKey(app, last.toEpochMilli(), UUID.nameUUIDFromBytes((app + day).getBytes()));
    }

    private static String tagSuffix(UUID id) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder sb = new StringBuilder(10);
        long bits = id.getLeastSignificantBits();
        for (int i = 0; i < 10; i++) {
            sb.append(alphabet.charAt((int) (bits >>> (5 * i)) & 31));
        }
        return sb.toString();
    }

    /**
     * Writes the plan's records with the real record store and the drained objects of its tracers, {@code threads}
     * at a time; returns the runs.
     */
    public static List<Run> write(Plan plan, ProofRecordStore records, DrainedObjects logs, int threads)
            throws Exception {
        List<Run> runs = runs(plan);
        Map<String, List<String>> objects = new LinkedHashMap<>();
        for (Run run : runs) {
            if (run.tracerObject() != null) {
                objects.computeIfAbsent(run.tracerObject(), k -> new ArrayList<>()).addAll(lines(run));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (Run run : runs) {
                writes.add(pool.submit(() -> {
                    ProofRecordStore.WriteResult w = records.create(run.key(), ProofRecordJson.write(run.record()));
                    if (!w.written()) {
                        throw new IllegalStateException(w.problem());
                    }
                    return null;
                }));
            }
            objects.forEach((key, lines) -> writes.add(pool.submit(() -> logs.write(
                    io.auditdrain.core.ObjectKeyLayout.parse(key), lines))));
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return runs;
    }

    /** The tracer INSERT as the verifier logs it, and a write of the application itself beside it. */
    private static List<String> lines(Run run) {
        Instant insert = run.record().smoke().insertTime();
        // A process (and so a session) of its own for each run: the writers tally counts a session's line once.
        long pid = 2 * (run.time().getEpochSecond() / 60 % 2_000_000);
        HerokuPostgresLines heroku = HerokuPostgresLines.standard();
        List<String> lines = new ArrayList<>(heroku.messages(insert, HerokuPostgresLines.Prefix.at(insert, pid, 3,
                "raptor_app", "auditdrain-verifier"), 12, "LOG:  statement: INSERT INTO customer_audit_events (id,"
                + " dimension, customer_id, actor_id, actor_type, action, at_utc) VALUES ('" + run.record().smoke().tag()
                + "', 'system_automated', 0, 'sre-smoke', 'system_actor', 'smoke.pgaudit_check', now())"));
        lines.addAll(heroku.messages(insert.plusMillis(200), HerokuPostgresLines.Prefix.at(insert.plusMillis(200),
                pid + 1, 7, "raptor_app", "web.1"), 40, "LOG:  execute <unnamed>: INSERT INTO customer_audit_events"
                + " (id, dimension, customer_id, actor_id, actor_type, action, at_utc) VALUES ($1, $2, $3, $4, $5, $6,"
                + " $7)"));
        lines.add(HerokuPostgresLines.routerLine(insert.plusMillis(300)));
        return lines;
    }

    /**
     * Runs the real digester once, at {@code now}, as when it is deployed onto an archive that already holds the
     * period: every digest is written then, long after its interval, so verify-archive and attest call each one
     * {@code digest late} unless their {@code --pending} reaches back to the period's start. Digested on schedule,
     * every object written seconds before its digest is a late-object suspect and each run reads the digests before
     * it: minutes in moto for two days (ScheduledProofChainIT runs the digester on time, in real time).
     */
    public static void digestAfterwards(S3Client s3, String bucket, String app, Duration interval, Instant now,
                                        DigestSigner signer) {
        ArchiveDigester.Run run = new ArchiveDigester(new S3ArchiveBucket(s3, bucket), signer,
                new ArchiveDigester.Policy(interval, GRACE, Duration.ofHours(24), Set.of(app), 100_000),
                Clock.fixed(now, ZoneOffset.UTC)).run(() -> true);
        if (run.failed()) {
            throw new AssertionError("the digester failed: " + run);
        }
    }
}
