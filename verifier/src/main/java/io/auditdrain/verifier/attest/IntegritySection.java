package io.auditdrain.verifier.attest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * verify-archive over the period: each interval's status, every finding, and what it says beside them.
 *
 * @param keySource      where the public key that checked the signatures came from
 * @param statusCounts   intervals by status ({@code valid}, {@code modified}, ... as verify-archive names them)
 * @param objectsChecked objects checked against a digest
 * @param days           the intervals of each UTC day, for the chart
 * @param covers         what the digests cover: the prefixes whose objects they list
 */
public record IntegritySection(String keySource, int intervals, Map<String, Integer> statusCounts,
                               int objectsChecked, int lateObjects, List<Finding> findings, List<String> notes,
                               List<Day> days, List<String> covers, boolean passed) {

    /** One finding of one interval, with the digest that covers (or should cover) it. */
    public record Finding(Instant intervalStart, Instant intervalEnd, String digest, String kind, String key,
                          String detail) {
    }

    /** One day's intervals: valid, with a finding, and neither (pending or before the chain). */
    public record Day(LocalDate day, int valid, int failing, int other) {
    }

    public int intervalsWithFindings() {
        return (int) days.stream().mapToLong(Day::failing).sum();
    }
}
