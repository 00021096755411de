package io.auditdrain.faults;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of one scenario at one door: what the senders saw, set against what the archive holds.
 *
 * @param batches batches sent
 * @param acknowledged batches answered 2xx on some attempt
 * @param acknowledgedStored acknowledged batches found whole, exactly once
 * @param lost acknowledged batches not found whole in the archive (must be 0)
 * @param duplicated batches, acknowledged or not, found in more than one object or version (must be 0)
 * @param rejected batches the senders dropped for good on a 4xx other than 429 (must be 0: all were valid)
 * @param exhausted batches the senders dropped after their last attempt failed
 * @param exhaustedButStored of those, how many the archive holds all the same
 * @param attempts requests sent, retries included
 * @param late attempts that got no answer within the senders' 5 s
 * @param statuses answers by status code
 * @param answeredMillis how long each answered attempt took, sorted
 * @param noticesSent attempts that carried an L10 notice in front of their batch
 * @param noticesStored L10 notices in the archive
 * @param unmarkedLines stored lines that carry no batch marker and are no L10 notice
 */
record Tally(int batches, int acknowledged, int acknowledgedStored, int lost, int duplicated, int rejected,
             int exhausted, int exhaustedButStored, int attempts, int late, Map<Integer, Integer> statuses,
             double[] answeredMillis, int noticesSent, int noticesStored, int unmarkedLines) {

    static Tally of(List<SenderFleet.Delivery> deliveries, ArchiveCensus census) {
        int acknowledged = 0;
        int acknowledgedStored = 0;
        int lost = 0;
        int duplicated = 0;
        int rejected = 0;
        int exhausted = 0;
        int exhaustedButStored = 0;
        int attempts = 0;
        int late = 0;
        int noticesSent = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        double[] answered = deliveries.stream().flatMap(d -> d.attempts().stream())
                .filter(SenderFleet.Attempt::answered).mapToDouble(a -> a.nanos() / 1e6).sorted().toArray();
        for (SenderFleet.Delivery delivery : deliveries) {
            ArchiveCensus.Finding finding = census.find(delivery.batch());
            for (SenderFleet.Attempt attempt : delivery.attempts()) {
                attempts++;
                if (attempt.late()) {
                    late++;
                }
                if (attempt.overflowNotice()) {
                    noticesSent++;
                }
                if (attempt.answered()) {
                    statuses.merge(attempt.status(), 1, Integer::sum);
                }
            }
            if (finding.doubled()) {
                duplicated++;
            }
            switch (delivery.outcome()) {
                case DELIVERED -> {
                    acknowledged++;
                    if (!finding.whole()) {
                        lost++;
                    } else if (!finding.doubled()) {
                        acknowledgedStored++;
                    }
                }
                case DROPPED_REJECTED -> rejected++;
                case DROPPED_EXHAUSTED -> {
                    exhausted++;
                    if (finding.stored()) {
                        exhaustedButStored++;
                    }
                }
                case RETRY -> throw new IllegalStateException("a delivery ended while still retrying");
            }
        }
        return new Tally(deliveries.size(), acknowledged, acknowledgedStored, lost, duplicated, rejected, exhausted,
                exhaustedButStored, attempts, late, statuses, answered, noticesSent, census.overflowNotices(),
                census.unmarkedLines());
    }

    /** The {@code p}th percentile of the answered attempts' durations, in ms; NaN when none was answered. */
    double percentile(double p) {
        if (answeredMillis.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * answeredMillis.length) - 1;
        return answeredMillis[Math.max(0, Math.min(answeredMillis.length - 1, index))];
    }

    /** Attempts answered at all, within the senders' wait. */
    int answered() {
        return answeredMillis.length;
    }

    /** The share of attempts answered at all, within the senders' wait. */
    double answeredShare() {
        return attempts == 0 ? Double.NaN : (double) answeredMillis.length / attempts;
    }
}
