package io.auditdrain.verifier.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.proof.ProofRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Continuous proof read off run records: counts, gaps, failures and latency, on hand-made days. */
class ContinuousProofTest {

    private static final Instant DAY = Instant.parse("2026-03-14T00:00:00Z");
    private static final Duration QUARTER_HOUR = Duration.ofMinutes(15);
    private static final Duration SLACK = Duration.ofMinutes(7).plusSeconds(30);

    /** A run at {@code minute} past the day's start: passing with {@code latency}, or failing {@code failing}. */
    private static RecordedRun run(double minute, Long latency, String failing) {
        Instant t = DAY.plusMillis((long) (minute * 60_000));
        boolean smokeFails = "smoke".equals(failing);
        ProofRecord.Smoke smoke = smokeFails
                ? new ProofRecord.Smoke("FAIL", "tag", t, null, null, null, null, "the tracer was not found within 2m")
                : new ProofRecord.Smoke("PASS", "tag", t, "logs/acme-api/2026/03/14/" + t.toEpochMilli() + "-"
                        + UUID.randomUUID() + ".gz", t, t.plusMillis(latency), latency, null);
        List<ProofRecord.Check> checks = new ArrayList<>();
        checks.add(new ProofRecord.Check("statement-logging", "statement-logging".equals(failing) ? "FAIL" : "PASS",
                "log_statement"));
        checks.add(new ProofRecord.Check("drain-activity", "WARN".equals(failing) ? "WARN" : "PASS", "activity"));
        boolean doctorFails = "statement-logging".equals(failing);
        ProofRecord record = new ProofRecord("acme-api", UUID.randomUUID(), t, t.plusSeconds(40), "test", smoke,
                new ProofRecord.Doctor(doctorFails ? "FAIL" : "PASS", checks), null);
        return new RecordedRun(t, Evidence.of("proof/acme-api/" + t.toEpochMilli()), t, record);
    }

    private static ContinuousProofSection compute(Instant to, List<RecordedRun> runs) {
        return ContinuousProof.compute(DAY, to, QUARTER_HOUR, SLACK, runs, List.of(), Evidence::of);
    }

    /** Every slot of an hour, a few seconds late each: what a healthy schedule leaves. */
    private static List<RecordedRun> hour(int startMinute) {
        List<RecordedRun> runs = new ArrayList<>();
        for (int m = 0; m < 60; m += 15) {
            runs.add(run(startMinute + m + 0.2, 30_000L, null));
        }
        return runs;
    }

    @Test
    void a_healthy_hour_is_four_runs_expected_and_passed_with_no_gap() {
        ContinuousProofSection p = compute(DAY.plus(Duration.ofHours(1)), hour(0));
        assertEquals(4, p.expected());
        assertEquals(4, p.recorded());
        assertEquals(4, p.passed());
        assertEquals(List.of(), p.gaps());
        assertEquals(List.of(), p.failures());
        assertTrue(p.passedWithoutException());
        assertEquals(1, p.days().size());
        assertEquals(4, p.days().get(0).expected());
    }

    @Test
    void a_missed_run_is_a_gap_from_the_run_before_to_the_run_after_and_a_late_run_is_not() {
        List<RecordedRun> runs = new ArrayList<>(hour(0));
        runs.addAll(hour(60));
        runs.remove(5); // 01:15
        runs.set(2, run(30 + 7, 30_000L, null)); // 00:37, seven minutes late: within the slack
        ContinuousProofSection p = compute(DAY.plus(Duration.ofHours(2)), runs);
        assertEquals(1, p.gaps().size(), p.gaps().toString());
        ContinuousProofSection.Gap gap = p.gaps().get(0);
        assertEquals(DAY.plusMillis(60 * 60_000 + 12_000), gap.start());
        assertEquals(DAY.plusMillis(90 * 60_000 + 12_000), gap.end());
        assertEquals(1800, gap.seconds());
        assertEquals(1, gap.missedRuns());
        assertEquals("proof/acme-api/" + gap.start().toEpochMilli(), gap.before().key());
        assertEquals("proof/acme-api/" + gap.end().toEpochMilli(), gap.after().key());
    }

    @Test
    void silence_at_the_start_or_the_end_of_the_period_is_a_gap_with_no_record_on_that_side() {
        ContinuousProofSection p = compute(DAY.plus(Duration.ofHours(3)), hour(60));
        assertEquals(2, p.gaps().size());
        assertEquals(DAY, p.gaps().get(0).start());
        assertNull(p.gaps().get(0).before());
        assertEquals(DAY.plus(Duration.ofHours(3)), p.gaps().get(1).end());
        assertNull(p.gaps().get(1).after());
        assertEquals(12, p.expected());
        assertEquals(4, p.recorded());
    }

    @Test
    void no_record_at_all_is_one_gap_over_the_whole_period_and_not_a_pass() {
        ContinuousProofSection p = compute(DAY.plus(Duration.ofHours(1)), List.of());
        assertEquals(1, p.gaps().size());
        assertEquals(4, p.gaps().get(0).missedRuns() + 1);
        assertFalse(p.passedWithoutException());
        assertNull(p.first());
        assertEquals(0, p.latency().samples());
    }

    @Test
    void failed_runs_in_a_row_are_one_failure_until_the_next_passed_run_with_each_check_counted() {
        List<RecordedRun> runs = new ArrayList<>(hour(0));
        runs.addAll(hour(60));
        runs.set(1, run(15.2, null, "smoke"));
        runs.set(2, run(30.2, null, "smoke"));
        runs.set(3, run(45.2, 30_000L, "statement-logging"));
        runs.set(7, run(105.2, null, "smoke"));
        ContinuousProofSection p = compute(DAY.plus(Duration.ofHours(2)), runs);
        assertEquals(2, p.failures().size());
        ContinuousProofSection.Failure first = p.failures().get(0);
        assertEquals(DAY.plusMillis(15 * 60_000 + 12_000), first.start());
        assertEquals(DAY.plusMillis(60 * 60_000 + 12_000), first.end(), "ended by the 01:00 run");
        assertEquals(3, first.runs());
        assertEquals(Map.of("smoke", 2, "statement-logging", 1), first.checks());
        assertEquals("smoke: the tracer was not found within 2m", first.firstReason());
        assertFalse(first.ongoing());
        ContinuousProofSection.Failure last = p.failures().get(1);
        assertTrue(last.ongoing(), "no passed run followed it in the period");
        assertEquals(DAY.plus(Duration.ofHours(2)), last.end());
        assertNull(last.recoveredBy());
        assertEquals(4, p.failed());
        assertEquals(4, p.passed());
    }

    @Test
    void a_warning_passes_but_is_counted_apart() {
        List<RecordedRun> runs = new ArrayList<>(hour(0));
        runs.set(0, run(0.2, 30_000L, "WARN"));
        ContinuousProofSection p = compute(DAY.plus(Duration.ofHours(1)), runs);
        assertEquals(4, p.passed());
        assertEquals(1, p.warned());
        assertEquals(List.of(), p.failures());
    }

    @Test
    void latency_is_the_nearest_rank_median_and_p99_of_runs_whose_smoke_passed_and_the_worst_names_its_run() {
        List<RecordedRun> runs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            runs.add(run(i * 15 + 0.1, 1_000L * (i + 1), null));
        }
        runs.add(run(200 * 15 + 0.1, null, "smoke"));
        ContinuousProofSection p = compute(DAY.plus(Duration.ofMinutes(15 * 201)), runs);
        assertEquals(200, p.latency().samples());
        assertEquals(100_000L, p.latency().medianMs());
        assertEquals(198_000L, p.latency().p99Ms());
        assertEquals(200_000L, p.latency().worstMs());
        assertEquals(runs.get(199).evidence(), p.latency().worstRun());
        assertEquals(runs.get(199).record().smoke().objectKey(), p.latency().worstTracer().key());
        assertEquals(3, p.days().size(), "the runs span three UTC days");
    }

    @Test
    void percentiles_follow_the_nearest_rank_definition_on_small_samples() {
        assertEquals(5, ContinuousProof.percentile(new long[] {5}, 50));
        assertEquals(5, ContinuousProof.percentile(new long[] {5}, 99));
        assertEquals(1, ContinuousProof.percentile(new long[] {1, 2}, 50));
        assertEquals(2, ContinuousProof.percentile(new long[] {1, 2}, 99));
    }
}
