package io.auditdrain.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.emulator.DeliveryEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The census's verdicts, from made-up deliveries and archives: each kind of damage is counted where it belongs. */
class TallyTest {

    private static final long MS = 1_000_000L;

    private final MarkedBatches batches = new MarkedBatches("local-test");
    private final Random random = new Random(3);
    private final Map<String, List<ArchiveCensus.Copy>> copies = new HashMap<>();
    private final Map<String, Integer> versions = new HashMap<>();
    private final List<SenderFleet.Delivery> deliveries = new ArrayList<>();

    private MarkedBatches.Batch sent(DeliveryEvent.Outcome outcome, SenderFleet.Attempt... attempts) {
        MarkedBatches.Batch batch = batches.next(0, random);
        deliveries.add(new SenderFleet.Delivery(batch, List.of(attempts), outcome));
        return batch;
    }

    private void stored(MarkedBatches.Batch batch, String key, List<String> lines) {
        copies.computeIfAbsent(batch.marker(), m -> new ArrayList<>()).add(new ArchiveCensus.Copy(key, lines));
        versions.merge(key, 1, Integer::sum);
    }

    private Tally tally() {
        return Tally.of(deliveries, new ArchiveCensus(copies, versions, versions.size(), 0, 0));
    }

    private static SenderFleet.Attempt ok(long millis) {
        return new SenderFleet.Attempt(200, millis * MS, "", false);
    }

    @Test
    void an_acknowledged_batch_stored_once_and_whole_is_counted_stored() {
        MarkedBatches.Batch batch = sent(DeliveryEvent.Outcome.DELIVERED, ok(12));
        stored(batch, "k1", batch.messages());
        Tally t = tally();
        assertEquals(1, t.acknowledged());
        assertEquals(1, t.acknowledgedStored());
        assertEquals(0, t.lost());
        assertEquals(0, t.duplicated());
    }

    @Test
    void an_acknowledged_batch_missing_or_missing_a_line_is_lost() {
        sent(DeliveryEvent.Outcome.DELIVERED, ok(5));
        MarkedBatches.Batch partial = sent(DeliveryEvent.Outcome.DELIVERED, ok(5));
        while (partial.messages().size() < 2) {
            deliveries.remove(deliveries.size() - 1);
            partial = sent(DeliveryEvent.Outcome.DELIVERED, ok(5));
        }
        stored(partial, "k2", partial.messages().subList(1, partial.messages().size()));
        assertEquals(2, tally().lost());
    }

    @Test
    void a_batch_in_two_objects_or_in_a_key_with_two_versions_is_duplicated_acknowledged_or_not() {
        MarkedBatches.Batch twice = sent(DeliveryEvent.Outcome.DELIVERED, ok(5));
        stored(twice, "k1", twice.messages());
        stored(twice, "k2", twice.messages());
        MarkedBatches.Batch overwritten = sent(DeliveryEvent.Outcome.DROPPED_EXHAUSTED,
                new SenderFleet.Attempt(503, 10 * MS, "", false), new SenderFleet.Attempt(503, 10 * MS, "", false),
                new SenderFleet.Attempt(503, 10 * MS, "", false));
        stored(overwritten, "k3", overwritten.messages());
        versions.merge("k3", 1, Integer::sum);
        Tally t = tally();
        assertEquals(2, t.duplicated());
        assertEquals(0, t.lost());
        assertEquals(0, t.acknowledgedStored(), "a doubled batch is not counted as stored once");
        assertEquals(1, t.exhausted());
        assertEquals(1, t.exhaustedButStored());
    }

    @Test
    void a_repeated_line_inside_one_object_is_duplicated() {
        MarkedBatches.Batch batch = sent(DeliveryEvent.Outcome.DELIVERED, ok(5));
        List<String> lines = new ArrayList<>(batch.messages());
        lines.add(lines.get(0));
        stored(batch, "k1", lines);
        assertEquals(1, tally().duplicated());
    }

    @Test
    void attempts_without_an_answer_within_the_wait_are_late_and_percentiles_cover_answered_attempts_only() {
        SenderFleet.Attempt late = new SenderFleet.Attempt(0, SenderFleet.TIMEOUT.toNanos(), "no answer", false);
        SenderFleet.Attempt refused = new SenderFleet.Attempt(0, 3 * MS, "ConnectException", false);
        MarkedBatches.Batch batch = sent(DeliveryEvent.Outcome.DELIVERED, late, refused, ok(40));
        stored(batch, "k1", batch.messages());
        for (int i = 1; i <= 99; i++) {
            MarkedBatches.Batch b = sent(DeliveryEvent.Outcome.DELIVERED, ok(i));
            stored(b, "key" + i, b.messages());
        }
        Tally t = tally();
        assertEquals(1, t.late());
        assertEquals(102, t.attempts());
        assertEquals(100, t.answered());
        assertEquals(49.0, t.percentile(50), 0.001); // 1..99 and the 40 of the batch that retried
        assertEquals(98.0, t.percentile(99), 0.001);
        assertTrue(Double.isNaN(Tally.of(List.of(), new ArchiveCensus(Map.of(), Map.of(), 0, 0, 0)).percentile(50)));
    }

    @Test
    void a_batch_refused_with_a_4xx_is_counted_rejected() {
        sent(DeliveryEvent.Outcome.DROPPED_REJECTED, new SenderFleet.Attempt(401, 2 * MS, "", false));
        Tally t = tally();
        assertEquals(1, t.rejected());
        assertEquals(Map.of(401, 1), t.statuses());
    }
}
