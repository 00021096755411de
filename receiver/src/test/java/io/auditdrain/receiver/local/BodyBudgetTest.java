package io.auditdrain.receiver.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    private final List<Runnable> scheduled = new ArrayList<>();
    private final BodyBudget budget = new BodyBudget(100, scheduled::add);
    private final List<String> granted = new ArrayList<>();

    private void runScheduled() {
        List<Runnable> now = List.copyOf(scheduled);
        scheduled.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void bodies_within_the_budget_are_taken_at_once() {
        assertTrue(budget.take(60, () -> granted.add("a")));
        assertTrue(budget.take(40, () -> granted.add("b")));
        assertEquals(100, budget.held());
        assertEquals(List.of(), granted, "nothing waited, so nothing is resumed");
    }

    @Test
    void a_body_that_does_not_fit_waits_and_is_granted_when_enough_is_given_back() {
        assertTrue(budget.take(70, () -> { }));
        assertFalse(budget.take(50, () -> granted.add("waiting")));
        assertEquals(1, budget.waiting());

        budget.release(10);
        runScheduled();
        assertEquals(List.of(), granted, "60 held: 50 more do not fit yet");

        budget.release(60);
        runScheduled();
        assertEquals(List.of("waiting"), granted);
        assertEquals(50, budget.held(), "the waiter's bytes are taken for it before it resumes");
        assertEquals(0, budget.waiting());
    }

    @Test
    void waiters_are_served_in_order_and_a_small_one_does_not_overtake_a_large_one() {
        assertTrue(budget.take(90, () -> { }));
        assertFalse(budget.take(80, () -> granted.add("large")));
        assertFalse(budget.take(5, () -> granted.add("small")));

        budget.release(90);
        runScheduled();
        assertEquals(List.of("large", "small"), granted);
        assertEquals(85, budget.held());
    }

    @Test
    void a_body_larger_than_the_whole_budget_is_taken_when_nothing_else_is_held() {
        assertTrue(budget.take(30, () -> { }));
        assertFalse(budget.take(500, () -> granted.add("huge")));
        budget.release(30);
        runScheduled();
        assertEquals(List.of("huge"), granted);
        assertEquals(500, budget.held());
    }

    @Test
    void the_budget_is_a_quarter_of_the_heap() {
        assertEquals(256L << 20, BodyBudget.forHeap(1L << 30));
    }
}
