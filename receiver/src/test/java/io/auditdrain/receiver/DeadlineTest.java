package io.auditdrain.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    /** Remaining time, rounded to 100 ms so that the clock ticking during the test does not matter. */
    private static long remainingMillis(Deadline deadline) {
        return Math.round(deadline.remaining().toNanos() / 1e6 / 100) * 100;
    }

    @Test
    void a_request_that_waited_gets_the_budget_less_its_wait() {
        assertEquals(2_500, remainingMillis(Deadline.afterWaiting(Duration.ofMillis(1_500))));
        assertEquals(2_500, remainingMillis(Deadline.forArrival(10_000, 11_500)));
    }

    @Test
    void a_request_that_waited_past_the_budget_still_gets_the_least_budget() {
        assertEquals(Deadline.LEAST_BUDGET.toMillis(), remainingMillis(Deadline.afterWaiting(Duration.ofSeconds(9))));
        assertEquals(Deadline.LEAST_BUDGET.toMillis(), remainingMillis(Deadline.forArrival(0, 60_000)));
    }

    @Test
    void an_arrival_in_the_future_counts_as_now() {
        assertEquals(Deadline.REQUEST_BUDGET.toMillis(), remainingMillis(Deadline.forArrival(5_000, 1_000)));
        assertEquals(Deadline.REQUEST_BUDGET.toMillis(), remainingMillis(Deadline.afterWaiting(Duration.ofMillis(-7))));
    }

    @Test
    void a_call_is_not_started_with_less_than_the_minimum_left() {
        AtomicLong now = new AtomicLong();
        Deadline deadline = Deadline.after(Duration.ofMillis(100), now::get);
        assertFalse(deadline.tooCloseForACall());
        now.set(Duration.ofMillis(60).toNanos());
        assertTrue(deadline.tooCloseForACall());
    }

    @Test
    void the_earlier_of_two_deadlines_wins() {
        AtomicLong now = new AtomicLong();
        Deadline soon = Deadline.after(Duration.ofMillis(100), now::get);
        Deadline later = Deadline.after(Duration.ofMillis(900), now::get);
        assertEquals(soon, soon.atMost(later));
        assertEquals(soon, later.atMost(soon));
    }
}
