package io.auditdrain.verifier.attest;

import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.verifier.cli.VerifierCli;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.S3ArchiveReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Builds an app's attestation for a period from the archive alone. Its three readings of the archive are independent
 * and mostly wait on S3, so they run side by side: the run records (and their histories), verify-archive over the
 * period, and the writers tally over the period's drained objects. Then continuous proof is read off the records,
 * every piece of evidence is given its digest, and the criteria are mapped.
 */
public final class AttestationBuilder {

    /** What the attestation is asked for. */
    public record Request(String app, Instant from, Instant to, Duration interval, Duration slack) {
        public Request {
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("the period must not be empty");
            }
        }
    }

    private final ArchiveReader store;
    private final ArchiveIntegrity integrity;
    private final ArchiveWriters writers;
    private final AccessSection.Matrix matrix;
    private final Supplier<List<AccessSection.Rotation>> rotations;
    private final Clock clock;

    /**
     * @param matrix    the deployment's access matrix, or null
     * @param rotations reads the credentials' rotations, or null when they are not asked for
     */
    public AttestationBuilder(ArchiveReader store, ArchiveIntegrity integrity, ArchiveWriters writers,
                              AccessSection.Matrix matrix, Supplier<List<AccessSection.Rotation>> rotations,
                              Clock clock) {
        this.store = store;
        this.integrity = integrity;
        this.writers = writers;
        this.matrix = matrix;
        this.rotations = rotations;
        this.clock = clock;
    }

    public Attestation build(Request request, AttestProgress progress) throws Exception {
        String app = request.app();
        if (store instanceof S3ArchiveReader bucket) {
            // The integrity part hashes every run record's versions (the digests cover them), the records part parses
            // the same versions: each is fetched once.
            String records = ProofKeyLayout.appPrefix(app);
            bucket.shareVersionReads(key -> key.startsWith(records));
        }
        ExecutorService parts = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "attest-part");
            t.setDaemon(true);
            return t;
        });
        RunRecordReader.Result records;
        IntegritySection checked;
        WritersSection wrote;
        try {
            Future<IntegritySection> integrityPart = parts.submit(() -> {
                IntegritySection s = integrity.check(store, app, request.from(), request.to(),
                        progress.intervalsDone::set);
                progress.integrityDone();
                return s;
            });
            Future<RunRecordReader.Result> recordsPart = parts.submit(() -> {
                RunRecordReader.Result r = new RunRecordReader(store).read(app, request.from(), request.to(),
                        progress::recordsListed, progress.recordsRead::set);
                progress.recordsDone();
                return r;
            });
            Future<WritersSection> writersPart = parts.submit(() -> {
                WritersSection s = writers.tally(store, app, request.from(), request.to(),
                        progress.objectsListed::set, progress.objectsRead::set);
                progress.writersDone();
                return s;
            });
            records = result(recordsPart);
            checked = result(integrityPart);
            wrote = result(writersPart);
        } finally {
            parts.shutdownNow();
        }
        List<AccessSection.Rotation> rotated = rotations == null ? null : rotations.get();
        AccessSection access = new AccessSection(matrix, rotated);

        List<RecordedRun> runs = records.runs();
        ContinuousProofSection proof = ContinuousProof.compute(request.from(), request.to(), request.interval(),
                request.slack(), runs, records.findings(), key -> integrity.evidence(Evidence.of(key)));
        List<Attestation.Run> runList = new ArrayList<>();
        runs.stream().sorted(Comparator.comparing(RecordedRun::time)).forEach(r -> {
            String tracer = r.record().smoke().objectKey();
            runList.add(new Attestation.Run(r.time(), r.record().result(), r.record().failingChecks(),
                    r.record().smoke().latencyMs(), integrity.evidence(r.evidence()),
                    tracer == null ? null : integrity.evidence(Evidence.of(tracer))));
        });
        proof = withDigests(proof);
        List<ControlClaim> controls = ControlMapping.claims(proof, checked, wrote, access);
        List<String> exceptions = exceptions(proof, checked, wrote);
        return new Attestation(app, store.describe(), request.from(), request.to(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS), VerifierCli.version(),
                exceptions.isEmpty() ? "PASS" : "FAIL", exceptions, proof, checked, wrote, access, controls,
                new Attestation.Records(ProofKeyLayout.appPrefix(app), records.keys(), records.historiesRead()),
                runList);
    }

    /** Every record named in continuous proof, with what the digests say about it. */
    private ContinuousProofSection withDigests(ContinuousProofSection p) {
        List<ContinuousProofSection.Gap> gaps = p.gaps().stream().map(g -> new ContinuousProofSection.Gap(g.start(),
                g.end(), g.seconds(), g.missedRuns(), digest(g.before()), digest(g.after()))).toList();
        List<ContinuousProofSection.Failure> failures = p.failures().stream().map(f ->
                new ContinuousProofSection.Failure(f.start(), f.end(), f.ongoing(), f.seconds(), f.runs(), f.checks(),
                        f.firstReason(), f.records().stream().map(this::digest).toList(), digest(f.recoveredBy())))
                .toList();
        ContinuousProofSection.Latency l = p.latency();
        ContinuousProofSection.Latency latency = new ContinuousProofSection.Latency(l.samples(), l.medianMs(),
                l.p99Ms(), l.worstMs(), digest(l.worstRun()), l.worstTracer());
        List<RecordFinding> findings = p.recordFindings().stream().map(f -> new RecordFinding(f.kind(),
                digest(f.evidence()), f.detail())).toList();
        return new ContinuousProofSection(p.intervalSeconds(), p.allowedSeconds(), p.expected(), p.recorded(),
                p.passed(), p.failed(), p.warned(), gaps, failures, latency, findings, p.days(), digest(p.first()),
                digest(p.last()));
    }

    private Evidence digest(Evidence e) {
        return e == null ? null : integrity.evidence(e);
    }

    private static List<String> exceptions(ContinuousProofSection proof, IntegritySection integrity,
                                           WritersSection writers) {
        List<String> exceptions = new ArrayList<>();
        if (proof.recorded() == 0) {
            exceptions.add("no run of the scheduled verification is recorded in the period");
        }
        if (!proof.gaps().isEmpty()) {
            long seconds = proof.gaps().stream().mapToLong(ContinuousProofSection.Gap::seconds).sum();
            exceptions.add(proof.gaps().size() + " gap" + plural(proof.gaps().size()) + " without a recorded run ("
                    + ReportFormat.duration(seconds) + " in all)");
        }
        if (!proof.failures().isEmpty()) {
            long seconds = proof.failures().stream().mapToLong(ContinuousProofSection.Failure::seconds).sum();
            exceptions.add(proof.failures().size() + " failure" + plural(proof.failures().size()) + " ("
                    + proof.failed() + " failed run" + plural(proof.failed()) + ", " + ReportFormat.duration(seconds)
                    + " in all)");
        }
        if (!proof.recordFindings().isEmpty()) {
            Map<String, Integer> kinds = new TreeMap<>();
            proof.recordFindings().forEach(f -> kinds.merge(f.kind(), 1, Integer::sum));
            List<String> parts = new ArrayList<>();
            kinds.forEach((k, n) -> parts.add(n + " " + k));
            exceptions.add("run records not as their runs wrote them: " + String.join(", ", parts));
        }
        if (!integrity.passed()) {
            exceptions.add(integrity.intervalsWithFindings() + " interval" + plural(integrity.intervalsWithFindings())
                    + " of the archive with integrity findings (" + integrity.findings().size() + " finding"
                    + plural(integrity.findings().size()) + ")");
        }
        if (!writers.intruders().isEmpty()) {
            exceptions.add("audit tables written by roles not allowed: " + String.join("; ", writers.intruders()));
        }
        if (writers.writesWithoutUser() > 0) {
            exceptions.add(writers.writesWithoutUser() + " writes to audit tables name no role");
        }
        if (writers.objectsUnreadable() > 0) {
            exceptions.add(writers.objectsUnreadable() + " drained objects could not be read");
        }
        return exceptions;
    }

    private static <T> T result(Future<T> part) throws Exception {
        try {
            return part.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
