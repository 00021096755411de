package io.auditdrain.verifier.attest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Continuous proof over the period: how many runs the schedule called for, how many the archive records, which
 * passed, every gap longer than the schedule allows, every failure from its first failed run to the next passed
 * one, smoke's latency, and every record that is not as the run wrote it.
 *
 * @param intervalSeconds the schedule's interval
 * @param allowedSeconds  the longest time between two recorded runs that is not a gap (interval plus slack)
 * @param expected        runs the schedule calls for in the period (its length over the interval)
 * @param recorded        runs whose record, as the run wrote it, is in the archive or its version history
 * @param warned          of the passed runs, those in which a doctor check warned
 * @param first           the first recorded run of the period, or null
 * @param last            the last recorded run of the period, or null
 */
public record ContinuousProofSection(long intervalSeconds, long allowedSeconds, long expected, int recorded,
                                     int passed, int failed, int warned, List<Gap> gaps, List<Failure> failures,
                                     Latency latency, List<RecordFinding> recordFindings, List<Day> days,
                                     Evidence first, Evidence last) {

    /**
     * A stretch without a recorded run, longer than the schedule allows.
     *
     * @param missedRuns about how many runs the stretch should have held: its length over the interval, less one
     * @param before     the last record before it, or null when it starts with the period
     * @param after      the first record after it, or null when it lasts to the period's end
     */
    public record Gap(Instant start, Instant end, long seconds, long missedRuns, Evidence before, Evidence after) {
    }

    /**
     * Runs that failed one after another, from the first failed run to the next passed one.
     *
     * @param end          the next passed run's start; the period's end when none followed ({@code ongoing})
     * @param checks       each failing check (smoke, a doctor check, or doctor when it could not run) and in how many
     *                     of these runs it failed
     * @param firstReason  what the first failed run said about its first failing check
     * @param records      the failed runs' records
     * @param recoveredBy  the record of the passed run that ended it, or null
     */
    public record Failure(Instant start, Instant end, boolean ongoing, long seconds, int runs,
                          Map<String, Integer> checks, String firstReason, List<Evidence> records,
                          Evidence recoveredBy) {
    }

    /**
     * smoke's latency (INSERT to stored object) over the runs in which smoke passed.
     *
     * @param worstRun    the record of the run with the worst latency
     * @param worstTracer the drained object that run found its tracer in, with its digest
     */
    public record Latency(int samples, Long medianMs, Long p99Ms, Long worstMs, Evidence worstRun,
                          Evidence worstTracer) {
    }

    /**
     * One UTC day of the period, for the charts: its runs, and smoke's median and worst latency (a day's 96 runs have
     * no p99 of their own: it would be the worst).
     */
    public record Day(LocalDate day, long expected, int passed, int failed, Long latencyMedianMs,
                      Long latencyWorstMs) {
    }

    /** Every expected run recorded, none failed, no gap, and every record as its run wrote it. */
    public boolean passedWithoutException() {
        return gaps.isEmpty() && failures.isEmpty() && recordFindings.isEmpty() && failed == 0 && recorded > 0;
    }
}
