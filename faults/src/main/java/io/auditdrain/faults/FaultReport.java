package io.auditdrain.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The suite's report: a table per door (one row per scenario), the slow-client table, and the checks that decide
 * the exit code. Text, one report per run.
 */
final class FaultReport {

    /** One scenario at one door. */
    record ScenarioResult(Scenario scenario, Tally tally, long faults, long serviceRequests) {
    }

    /** One door's run. */
    record DoorResult(String door, String description, int senders, List<ScenarioResult> scenarios,
                      int warmupAttempts, Map<String, Long> counters) {
    }

    /** What one kind of slow client achieved during a phase. */
    record Attack(String description, int connections, long opened, long closedByServer, long answeredByServer,
                  long connectFailures) {
    }

    /** One phase of the slow-client run: valid senders' figures, with or without attackers. */
    record SlowClientPhase(String name, List<Attack> attacks, Tally tally) {
        boolean attacked() {
            return !attacks.isEmpty();
        }
    }

    /** A condition the run must meet. */
    record Check(String condition, boolean passed, String detail) {
    }

    private final StringBuilder text = new StringBuilder();

    FaultReport(String heading) {
        text.append(heading).append("\n\n");
    }

    void door(DoorResult door) {
        line("== %s door: %s; %d concurrent senders", door.door(), door.description(), door.senders());
        line("%-16s %13s %7s %6s %6s %5s %5s %4s %8s %8s %5s %8s %8s  %s", "scenario", "faults/reqs", "batches",
                "acked", "stored", "LOST", "DUPL", "4xx", "dropped", "attempts", "LATE", "p50 ms", "p99 ms",
                "answers");
        for (ScenarioResult r : door.scenarios()) {
            Tally t = r.tally();
            String faults = r.scenario().kind() == Scenario.Kind.NONE ? "-" : r.faults() + "/" + r.serviceRequests();
            line("%-16s %13s %7d %6d %6d %5d %5d %4d %8s %8d %5d %8s %8s  %s", r.scenario().label(), faults,
                    t.batches(), t.acknowledged(), t.acknowledgedStored(), t.lost(), t.duplicated(), t.rejected(),
                    t.exhausted() + (t.exhaustedButStored() > 0 ? "(" + t.exhaustedButStored() + ")" : ""),
                    t.attempts(), t.late(), millis(t.percentile(50)), millis(t.percentile(99)), answers(t));
        }
        line("scenarios:");
        for (ScenarioResult r : door.scenarios()) {
            line("  %-16s %s", r.scenario().label(), r.scenario().description());
        }
        if (!door.counters().isEmpty()) {
            line("door counters: %s", door.counters().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        long attempts = door.scenarios().stream().mapToLong(r -> r.tally().attempts()).sum();
        line("attempts sent at this door: %d, and %d while warming up", attempts, door.warmupAttempts());
        line("L10 notices in front of retries: %d sent, %d stored (apart from their batches; a retry answered 5xx may"
                        + " have stored its notice or not)",
                door.scenarios().stream().mapToLong(r -> r.tally().noticesSent()).sum(),
                door.scenarios().stream().mapToLong(r -> r.tally().noticesStored()).sum());
        text.append('\n');
    }

    void slowClients(List<SlowClientPhase> phases, int senders) {
        line("== slow clients against the local server; %d valid senders", senders);
        line("%-34s %8s %12s %5s %8s %8s %9s %5s %5s", "phase", "attempts", "answered", "LATE", "p50 ms", "p99 ms",
                "acked", "LOST", "DUPL");
        for (SlowClientPhase phase : phases) {
            Tally t = phase.tally();
            line("%-34s %8d %12s %5d %8s %8s %9s %5d %5d", phase.name(), t.attempts(),
                    t.answered() + " (" + percent(t.answeredShare()) + ")", t.late(),
                    millis(t.percentile(50)), millis(t.percentile(99)), t.acknowledged() + "/" + t.batches(),
                    t.lost(), t.duplicated());
            for (Attack a : phase.attacks()) {
                line("    %-30s %d connections: %d opened, %d closed by the server (%d after an answer), %d"
                                + " connects failed", a.description(), a.connections(), a.opened(),
                        a.closedByServer(), a.answeredByServer(), a.connectFailures());
            }
        }
        text.append('\n');
    }

    /** The run's checks, from every door and the slow-client phases. */
    static List<Check> checks(List<DoorResult> doors, List<SlowClientPhase> phases) {
        List<Check> checks = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        List<String> unexercised = new ArrayList<>();
        List<String> unmarked = new ArrayList<>();
        for (DoorResult door : doors) {
            for (ScenarioResult r : door.scenarios()) {
                String where = door.door() + " " + r.scenario().label();
                Tally t = r.tally();
                note(lost, where, t.lost());
                note(duplicated, where, t.duplicated());
                note(rejected, where, t.rejected());
                note(unmarked, where, t.unmarkedLines());
                if (r.scenario().kind() != Scenario.Kind.NONE && r.faults() == 0) {
                    unexercised.add(where);
                }
            }
        }
        for (SlowClientPhase phase : phases) {
            note(lost, "slow clients " + phase.name(), phase.tally().lost());
            note(duplicated, "slow clients " + phase.name(), phase.tally().duplicated());
            note(rejected, "slow clients " + phase.name(), phase.tally().rejected());
        }
        checks.add(check("LOST = 0: every acknowledged batch is in the bucket, whole", lost));
        checks.add(check("DUPLICATED = 0: no batch in two objects or two versions", duplicated));
        checks.add(check("no valid batch answered with a 4xx other than 429 (Logplex would drop it)", rejected));
        checks.add(check("no stored line without a batch marker", unmarked));
        if (!doors.isEmpty()) {
            checks.add(check("every fault scenario met its fault at least once", unexercised));
        }
        if (!phases.isEmpty()) {
            List<String> starved = new ArrayList<>();
            for (SlowClientPhase phase : phases) {
                if (phase.attacked()) {
                    note(starved, phase.name() + ": unanswered attempts", phase.tally().attempts()
                            - phase.tally().answered());
                }
            }
            checks.add(check("no valid sender starved by slow clients: every attempt answered within 5 s",
                    starved));
        }
        return checks;
    }

    void checks(List<Check> checks) {
        line("== checks");
        for (Check c : checks) {
            line("%s  %s%s", c.passed() ? "PASS" : "FAIL", c.condition(), c.passed() ? "" : ": " + c.detail());
        }
    }

    String text() {
        return text.toString();
    }

    private static void note(List<String> where, String scenario, int count) {
        if (count > 0) {
            where.add(scenario + " " + count);
        }
    }

    private static Check check(String condition, List<String> failures) {
        return new Check(condition, failures.isEmpty(), String.join(", ", failures));
    }

    private static String answers(Tally t) {
        return t.statuses().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private void line(String format, Object... args) {
        text.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
