package io.auditdrain.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultReportTest {

    private static Tally tally(int lost, int duplicated, int rejected, int attempts, double[] answered) {
        return new Tally(10, 10, 10 - lost, lost, duplicated, rejected, 0, 0, attempts, attempts - answered.length,
                Map.of(200, answered.length), answered, 0, 0, 0);
    }

    private static FaultReport.DoorResult door(Tally baseline, Tally faulted, long faults) {
        return new FaultReport.DoorResult("local", "the local server", 4, List.of(
                new FaultReport.ScenarioResult(new Scenario("", Scenario.Kind.NONE), baseline, 0, 0),
                new FaultReport.ScenarioResult(new Scenario("s3", Scenario.Kind.RESET), faulted, faults, 40)), 5,
                Map.of());
    }

    private static FaultReport.Check check(List<FaultReport.Check> checks, String startOfCondition) {
        return checks.stream().filter(c -> c.condition().startsWith(startOfCondition)).findFirst().orElseThrow();
    }

    @Test
    void a_clean_run_passes_every_check() {
        Tally clean = tally(0, 0, 0, 10, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        List<FaultReport.Check> checks = FaultReport.checks(List.of(door(clean, clean, 3)), List.of(
                new FaultReport.SlowClientPhase("idle", List.of(new FaultReport.Attack("idle sockets", 200, 200, 0, 0,
                        0)), clean)));
        assertTrue(checks.stream().allMatch(FaultReport.Check::passed), checks.toString());
    }

    @Test
    void lost_duplicated_and_rejected_batches_each_fail_their_check_naming_door_and_scenario() {
        Tally clean = tally(0, 0, 0, 10, new double[10]);
        Tally bad = tally(1, 2, 3, 10, new double[10]);
        List<FaultReport.Check> checks = FaultReport.checks(List.of(door(clean, bad, 3)), List.of());
        assertEquals("local s3 reset 1", check(checks, "LOST").detail());
        assertEquals("local s3 reset 2", check(checks, "DUPLICATED").detail());
        assertFalse(check(checks, "no valid batch answered with a 4xx").passed());
    }

    @Test
    void a_fault_scenario_that_met_no_fault_proves_nothing_and_fails() {
        Tally clean = tally(0, 0, 0, 10, new double[10]);
        FaultReport.Check exercised = check(FaultReport.checks(List.of(door(clean, clean, 0)), List.of()),
                "every fault scenario");
        assertFalse(exercised.passed());
        assertEquals("local s3 reset", exercised.detail());
    }

    @Test
    void an_unanswered_valid_attempt_during_an_attack_is_starvation_but_not_without_one() {
        Tally starved = tally(0, 0, 0, 10, new double[] {1, 2});
        FaultReport.Attack headers = new FaultReport.Attack("slowloris on headers", 64, 64, 0, 0, 0);
        List<FaultReport.Check> checks = FaultReport.checks(List.of(), List.of(
                new FaultReport.SlowClientPhase("baseline", List.of(), starved),
                new FaultReport.SlowClientPhase("headers", List.of(headers), starved)));
        FaultReport.Check check = check(checks, "no valid sender starved");
        assertFalse(check.passed());
        assertEquals("headers: unanswered attempts 8", check.detail());
    }

    @Test
    void the_report_shows_every_scenario_with_its_counts_and_the_verdicts() {
        Tally clean = tally(0, 0, 0, 10, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        FaultReport.DoorResult door = door(clean, clean, 3);
        FaultReport report = new FaultReport("heading");
        report.door(door);
        report.checks(FaultReport.checks(List.of(door), List.of()));
        String text = report.text();
        assertTrue(text.contains("s3 reset") && text.contains("3/40"), text);
        assertTrue(text.contains("PASS  LOST = 0"), text);
    }
}
