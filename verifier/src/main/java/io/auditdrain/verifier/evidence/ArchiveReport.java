package io.auditdrain.verifier.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * verify-archive's result: each interval of the range with its status and findings, and what the whole run saw.
 *
 * @param notes things an auditor should know that are not findings (where the chain before the range could not be
 *              followed, digests outside the chain)
 */
public record ArchiveReport(Instant from, Instant to, List<IntervalReport> intervals, List<String> notes,
                            int objectsChecked, List<LateObject> lateObjects, Duration lateThreshold) {

    /**
     * An object a digest recorded late: it reached the bucket after its own interval's digest was written.
     *
     * @param delay      from its key's time (its newest line) to when it was stored
     * @param recordedBy the digest that recorded it
     * @param finding    whether the delay is beyond the late threshold
     */
    public record LateObject(String key, String versionId, Instant storedAt, Duration delay, String recordedBy,
                             boolean finding) {
    }

    /** One finding: what, on which key, and the facts. */
    public record Finding(IntervalStatus kind, String key, String detail) {
    }

    /**
     * One interval.
     *
     * @param digestKey   the digest that covers it (or should)
     * @param objects     objects of the interval checked against a digest
     * @param lateObjects of those, how many a later digest recorded as late
     */
    public record IntervalReport(Instant start, Instant end, String digestKey, IntervalStatus status, int objects,
                                 int lateObjects, List<Finding> findings) {
    }

    public boolean passed() {
        return intervals.stream().noneMatch(i -> i.status().isFailure());
    }

    /** How many intervals have each status, in the enum's order. */
    public Map<IntervalStatus, Integer> counts() {
        Map<IntervalStatus, Integer> counts = new EnumMap<>(IntervalStatus.class);
        for (IntervalReport i : intervals) {
            counts.merge(i.status(), 1, Integer::sum);
        }
        return counts;
    }
}
