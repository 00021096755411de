package io.auditdrain.verifier.attest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads continuous proof off the recorded runs of a period: plain arithmetic over their start times and verdicts,
 * no I/O. A gap is any stretch longer than the interval plus the slack between two recorded runs (or between the
 * period's bounds and the nearest run); a failure is a series of failed runs, from the first to the next passed run.
 */
public final class ContinuousProof {

    private ContinuousProof() {
    }

    /**
     * @param runs           the period's recorded runs, in any order
     * @param tracerEvidence names the digest of a drained object (smoke's tracer), by key
     */
    public static ContinuousProofSection compute(Instant from, Instant to, Duration interval, Duration slack,
                                                 List<RecordedRun> runs, List<RecordFinding> recordFindings,
                                                 Function<String, Evidence> tracerEvidence) {
        if (!from.isBefore(to) || interval.isZero() || interval.isNegative() || slack.isNegative()) {
            throw new IllegalArgumentException("a period, a positive interval and a slack of zero or more");
        }
        List<RecordedRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing(RecordedRun::time).thenComparing(r -> r.evidence().key()));
        Duration allowed = interval.plus(slack);
        long expected = Duration.between(from, to).toMillis() / interval.toMillis();
        int passed = (int) sorted.stream().filter(RecordedRun::passed).count();
        int warned = (int) sorted.stream().filter(RecordedRun::warned).count();
        return new ContinuousProofSection(interval.toSeconds(), allowed.toSeconds(), expected, sorted.size(), passed,
                sorted.size() - passed, warned, gaps(from, to, interval, allowed, sorted), failures(to, sorted),
                latency(sorted, tracerEvidence), List.copyOf(recordFindings), days(from, to, interval, sorted),
                sorted.isEmpty() ? null : sorted.get(0).evidence(),
                sorted.isEmpty() ? null : sorted.get(sorted.size() - 1).evidence());
    }

    private static List<ContinuousProofSection.Gap> gaps(Instant from, Instant to, Duration interval,
                                                         Duration allowed, List<RecordedRun> runs) {
        List<ContinuousProofSection.Gap> gaps = new ArrayList<>();
        Instant previous = from;
        RecordedRun before = null;
        for (RecordedRun run : runs) {
            addGap(gaps, previous, run.time(), interval, allowed, before, run);
            previous = run.time();
            before = run;
        }
        addGap(gaps, previous, to, interval, allowed, before, null);
        return gaps;
    }

    private static void addGap(List<ContinuousProofSection.Gap> gaps, Instant start, Instant end, Duration interval,
                               Duration allowed, RecordedRun before, RecordedRun after) {
        Duration length = Duration.between(start, end);
        if (length.compareTo(allowed) <= 0) {
            return;
        }
        long missed = Math.max(1, Math.round((double) length.toMillis() / interval.toMillis()) - 1);
        gaps.add(new ContinuousProofSection.Gap(start, end, length.toSeconds(), missed,
                before == null ? null : before.evidence(), after == null ? null : after.evidence()));
    }

    private static List<ContinuousProofSection.Failure> failures(Instant to, List<RecordedRun> runs) {
        List<ContinuousProofSection.Failure> failures = new ArrayList<>();
        List<RecordedRun> series = new ArrayList<>();
        for (RecordedRun run : runs) {
            if (!run.passed()) {
                series.add(run);
            } else if (!series.isEmpty()) {
                failures.add(failure(series, run, to));
                series = new ArrayList<>();
            }
        }
        if (!series.isEmpty()) {
            failures.add(failure(series, null, to));
        }
        return failures;
    }

    private static ContinuousProofSection.Failure failure(List<RecordedRun> series, RecordedRun recovery, Instant to) {
        Map<String, Integer> checks = new LinkedHashMap<>();
        for (RecordedRun run : series) {
            run.record().failingChecks().forEach(c -> checks.merge(c, 1, Integer::sum));
        }
        Instant start = series.get(0).time();
        Instant end = recovery == null ? to : recovery.time();
        return new ContinuousProofSection.Failure(start, end, recovery == null,
                Duration.between(start, end).toSeconds(), series.size(), checks, reason(series.get(0)),
                series.stream().map(RecordedRun::evidence).toList(), recovery == null ? null : recovery.evidence());
    }

    /** What the run's record says about its first failing check. */
    static String reason(RecordedRun run) {
        var record = run.record();
        List<String> failing = record.failingChecks();
        String first = failing.isEmpty() ? null : failing.get(0);
        String detail = null;
        if ("smoke".equals(first)) {
            detail = record.smoke().reason();
        } else if (first != null) {
            detail = record.doctor().checks().stream().filter(c -> c.name().equals(first)).map(c -> c.detail())
                    .findFirst().orElse(null);
        }
        if (detail == null) {
            detail = record.error();
        }
        return first == null ? null : first + ": " + (detail == null ? "no detail recorded" : detail);
    }

    private static ContinuousProofSection.Latency latency(List<RecordedRun> runs,
                                                          Function<String, Evidence> tracerEvidence) {
        List<RecordedRun> timed = runs.stream().filter(r -> r.record().smoke().latencyMs() != null
                && r.record().smoke().result().equals("PASS")).toList();
        if (timed.isEmpty()) {
            return new ContinuousProofSection.Latency(0, null, null, null, null, null);
        }
        long[] sorted = timed.stream().mapToLong(r -> r.record().smoke().latencyMs()).sorted().toArray();
        RecordedRun worst = timed.stream().max(Comparator.comparingLong(r -> r.record().smoke().latencyMs()))
                .orElseThrow();
        String tracer = worst.record().smoke().objectKey();
        return new ContinuousProofSection.Latency(sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1], worst.evidence(), tracer == null ? null : tracerEvidence.apply(tracer));
    }

    /** The nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static List<ContinuousProofSection.Day> days(Instant from, Instant to, Duration interval,
                                                         List<RecordedRun> runs) {
        TreeMap<LocalDate, List<RecordedRun>> byDay = new TreeMap<>();
        for (LocalDate d = LocalDate.ofInstant(from, ZoneOffset.UTC); d.atStartOfDay(ZoneOffset.UTC).toInstant()
                .isBefore(to); d = d.plusDays(1)) {
            byDay.put(d, new ArrayList<>());
        }
        runs.forEach(r -> byDay.computeIfAbsent(LocalDate.ofInstant(r.time(), ZoneOffset.UTC), d -> new ArrayList<>())
                .add(r));
        List<ContinuousProofSection.Day> days = new ArrayList<>();
        byDay.forEach((day, list) -> {
            Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant start = dayStart.isBefore(from) ? from : dayStart;
            Instant dayEnd = dayStart.plus(Duration.ofDays(1));
            Instant end = dayEnd.isAfter(to) ? to : dayEnd;
            long expected = Duration.between(start, end).toMillis() / interval.toMillis();
            int passed = (int) list.stream().filter(RecordedRun::passed).count();
            long[] latencies = list.stream().filter(r -> r.record().smoke().latencyMs() != null
                    && r.record().smoke().result().equals("PASS")).mapToLong(r -> r.record().smoke().latencyMs())
                    .sorted().toArray();
            boolean timed = latencies.length > 0;
            days.add(new ContinuousProofSection.Day(day, expected, passed, list.size() - passed,
                    timed ? percentile(latencies, 50) : null, timed ? latencies[latencies.length - 1] : null));
        });
        return days;
    }
}
