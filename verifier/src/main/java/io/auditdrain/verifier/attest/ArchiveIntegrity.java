package io.auditdrain.verifier.attest;

import io.auditdrain.core.DatedKeyFormat;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.verifier.evidence.ArchiveReport;
import io.auditdrain.verifier.evidence.ArchiveVerification;
import io.auditdrain.verifier.evidence.DigestKeys;
import io.auditdrain.verifier.evidence.IntervalStatus;
import io.auditdrain.verifier.store.ArchiveReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * The attestation's one way into verify-archive ({@link ArchiveVerification}): it runs it over the period exactly as
 * the command does and turns its report into the attestation's terms (statuses by name, findings with their digest),
 * and it says which digest covers an object and how its interval fared, so that every statement can name its
 * evidence. Nothing else of the attestation depends on verify-archive's classes.
 *
 * <p>The digests cover the drained objects under {@code logs/} and the run records under {@code proof/} alike, so
 * every piece of evidence is named with the digest of the interval that holds its key's time. {@link #evidence}
 * answers from the intervals {@link #check} found, so it is asked after it.
 */
public final class ArchiveIntegrity {

    /** What the digests cover, for the report. */
    static final List<String> COVERED_PREFIXES = DigestLayout.COVERED.stream().map(DatedKeyFormat::root).toList();
    static final String NOT_DIGESTED = "not covered by the digests";

    private final DigestKeys keys;
    private final Duration pending;
    private final Duration lateThreshold;
    private final Clock clock;
    private final TreeMap<Instant, ArchiveReport.IntervalReport> intervals = new TreeMap<>();
    private String app;

    /** Checks signatures with {@code keys} (exported files, or the KMS key's public half read once). */
    public ArchiveIntegrity(DigestKeys keys, Duration pending, Duration lateThreshold, Clock clock) {
        this.keys = keys;
        this.pending = pending;
        this.lateThreshold = lateThreshold;
        this.clock = clock;
    }

    /**
     * verify-archive over {@code [from, to)}.
     *
     * @param progress told how many intervals are done, as they are
     */
    public IntegritySection check(ArchiveReader store, String app, Instant from, Instant to, IntConsumer progress) {
        this.app = app;
        ArchiveReport report = new ArchiveVerification(store, app, keys.verifier(), clock, pending, lateThreshold,
                (done, total, objects) -> progress.accept(done)).verify(from, to);
        Map<String, Integer> counts = new LinkedHashMap<>();
        report.counts().forEach((status, n) -> counts.put(name(status), n));
        List<IntegritySection.Finding> findings = new ArrayList<>();
        TreeMap<LocalDate, int[]> days = new TreeMap<>();
        for (ArchiveReport.IntervalReport i : report.intervals()) {
            intervals.put(i.start(), i);
            for (ArchiveReport.Finding f : i.findings()) {
                findings.add(new IntegritySection.Finding(i.start(), i.end(), i.digestKey(), name(f.kind()), f.key(),
                        f.detail()));
            }
            int[] day = days.computeIfAbsent(LocalDate.ofInstant(i.start(), ZoneOffset.UTC), d -> new int[3]);
            day[i.status() == IntervalStatus.VALID ? 0 : i.status().isFailure() ? 1 : 2]++;
        }
        List<IntegritySection.Day> perDay = new ArrayList<>();
        days.forEach((d, n) -> perDay.add(new IntegritySection.Day(d, n[0], n[1], n[2])));
        return new IntegritySection(keys.source(), report.intervals().size(), counts, report.objectsChecked(),
                report.lateObjects().size(), findings, report.notes(), perDay, COVERED_PREFIXES, report.passed());
    }

    /**
     * {@code evidence} with the digest that covers its object and that interval's status; for an object no digest
     * covers (a name of another app, or one outside the period's intervals), why none is named.
     */
    public Evidence evidence(Evidence evidence) {
        Instant time = DigestLayout.COVERED.stream().map(f -> f.timeOf(app, evidence.key()))
                .filter(t -> t != null).findFirst().orElse(null);
        if (time == null) {
            return evidence.withDigest(null, NOT_DIGESTED);
        }
        var interval = intervals.floorEntry(time);
        if (interval == null || !interval.getValue().end().isAfter(time)) {
            return evidence.withDigest(null, "outside the period's digest intervals");
        }
        return evidence.withDigest(interval.getValue().digestKey(), name(interval.getValue().status()));
    }

    /** {@code missing_object}: how verify-archive's JSON names a status. */
    private static String name(IntervalStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
