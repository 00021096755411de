package io.auditdrain.verifier.attest;

import java.util.ArrayList;
import java.util.List;

/**
 * What the report's charts draw, derived from the attestation alone: runs per day (passed, failed, missing), a
 * timeline of gaps and failures, smoke's median and worst latency per day, and the archive's intervals per day (valid, with a finding,
 * neither). Embedded in the page as JSON; the page's script hands it to Chart.js.
 */
record ChartData(long from, long to, List<String> days, List<Integer> passed, List<Integer> failed,
                 List<Long> missing, List<Double> latencyMedian, List<Double> latencyWorst,
                 List<Span> gaps, List<Span> failures, List<String> integrityDays, List<Integer> valid,
                 List<Integer> withFindings, List<Integer> otherIntervals) {

    /** A stretch of the timeline, in epoch milliseconds, with what a reader sees on hovering it. */
    record Span(long start, long end, String label) {
    }

    static ChartData of(Attestation a) {
        ContinuousProofSection p = a.proof();
        List<String> days = new ArrayList<>();
        List<Integer> passed = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        List<Double> median = new ArrayList<>();
        List<Double> worst = new ArrayList<>();
        for (ContinuousProofSection.Day d : p.days()) {
            days.add(d.day().toString());
            passed.add(d.passed());
            failed.add(d.failed());
            missing.add(Math.max(0, d.expected() - d.passed() - d.failed()));
            median.add(seconds(d.latencyMedianMs()));
            worst.add(seconds(d.latencyWorstMs()));
        }
        List<Span> gaps = p.gaps().stream().map(g -> new Span(g.start().toEpochMilli(), g.end().toEpochMilli(),
                "no run recorded for " + ReportFormat.duration(g.seconds()) + " (about " + g.missedRuns()
                        + " runs)")).toList();
        List<Span> failures = p.failures().stream().map(f -> new Span(f.start().toEpochMilli(),
                f.end().toEpochMilli(), f.runs() + " failed run" + (f.runs() == 1 ? "" : "s") + ": "
                        + String.join(", ", f.checks().keySet()))).toList();
        List<String> integrityDays = new ArrayList<>();
        List<Integer> valid = new ArrayList<>();
        List<Integer> findings = new ArrayList<>();
        List<Integer> other = new ArrayList<>();
        for (IntegritySection.Day d : a.integrity().days()) {
            integrityDays.add(d.day().toString());
            valid.add(d.valid());
            findings.add(d.failing());
            other.add(d.other());
        }
        return new ChartData(a.from().toEpochMilli(), a.to().toEpochMilli(), days, passed, failed, missing, median,
                worst, gaps, failures, integrityDays, valid, findings, other);
    }

    private static Double seconds(Long ms) {
        return ms == null ? null : Math.round(ms / 100.0) / 10.0;
    }
}
