package io.auditdrain.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DigestIntervalTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void an_instant_falls_in_the_hour_that_holds_it() {
        DigestInterval i = DigestInterval.containing(Instant.parse("2026-03-14T13:59:59.999Z"), HOUR);
        assertEquals(Instant.parse("2026-03-14T13:00:00Z"), i.start());
        assertEquals(Instant.parse("2026-03-14T14:00:00Z"), i.end());
        assertTrue(i.contains(Instant.parse("2026-03-14T13:00:00Z")));
        assertFalse(i.contains(Instant.parse("2026-03-14T14:00:00Z")));
    }

    @Test
    void intervals_follow_each_other_across_midnight() {
        DigestInterval last = DigestInterval.containing(Instant.parse("2026-03-14T23:30:00Z"), HOUR);
        assertEquals(Instant.parse("2026-03-15T00:00:00Z"), last.next().start());
        assertEquals(last, last.next().previous());
        assertEquals(LocalDate.parse("2026-03-14"), last.day());
        assertEquals(LocalDate.parse("2026-03-15"), last.next().day());
    }

    @Test
    void only_lengths_that_divide_a_day_are_allowed() {
        for (int minutes : new int[] {5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440}) {
            assertTrue(DigestInterval.isValidLength(Duration.ofMinutes(minutes)), minutes + " minutes");
        }
        for (Duration bad : new Duration[] {Duration.ofMinutes(1), Duration.ofMinutes(7), Duration.ofMinutes(100),
                Duration.ofSeconds(330), Duration.ofDays(2)}) {
            assertFalse(DigestInterval.isValidLength(bad), bad.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> DigestInterval.containing(Instant.EPOCH,
                Duration.ofMinutes(7)));
    }

    @Test
    void an_interval_must_start_on_its_own_grid() {
        assertThrows(IllegalArgumentException.class, () -> new DigestInterval(Instant.parse("2026-03-14T13:30:00Z"),
                Instant.parse("2026-03-14T14:30:00Z")));
    }

    @Test
    void the_key_range_of_an_interval_holds_exactly_its_keys() {
        DigestInterval i = DigestInterval.containing(Instant.parse("2026-03-14T23:10:00Z"), HOUR);
        ObjectKeyRange r = ObjectKeyRange.of("acme-api", i);
        String id = "-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz";
        long start = i.start().toEpochMilli();
        assertTrue(r.contains("logs/acme-api/2026/03/14/" + start + id));
        assertTrue(r.contains("logs/acme-api/2026/03/14/" + (i.end().toEpochMilli() - 1) + id));
        assertFalse(r.contains("logs/acme-api/2026/03/14/" + (start - 1) + id));
        assertFalse(r.contains("logs/acme-api/2026/03/15/" + i.end().toEpochMilli() + id));
        assertFalse(r.contains("logs/acme-api-2/2026/03/14/" + start + id));
    }
}
