package io.auditdrain.verifier.proof;

import io.auditdrain.core.AppName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one scheduled run of smoke and doctor found, as it is kept in the archive (docs/proof-records.md, format 1).
 *
 * @param runId           the run's id, also in its key
 * @param startedAt       when the run started (the key's {@code epoch_ms})
 * @param finishedAt      when it finished, just before the record was written
 * @param verifierVersion the verifier that ran
 * @param error           why smoke or doctor could not run at all, or null
 */
public record ProofRecord(String app, UUID runId, Instant startedAt, Instant finishedAt, String verifierVersion,
                          Smoke smoke, Doctor doctor, String error) {

    /** The format this code writes and reads. */
    public static final int FORMAT = 1;

    public static final String PASS = "PASS";
    public static final String FAIL = "FAIL";
    public static final String ERROR = "ERROR";

    /**
     * smoke's result.
     *
     * @param result    {@code PASS}, {@code FAIL} (tracer not found in time) or {@code ERROR} (could not run)
     * @param objectKey the drained object the tracer was found in (PASS only)
     * @param latencyMs INSERT to stored object (PASS only)
     * @param reason    why it did not pass, or null
     */
    public record Smoke(String result, String tag, Instant insertTime, String objectKey, Instant objectTime,
                        Instant storedAt, Long latencyMs, String reason) {
        public Smoke {
            requireResult(result, "smoke");
        }

        public static Smoke notRun(String reason) {
            return new Smoke(ERROR, null, null, null, null, null, null, reason);
        }
    }

    /** One doctor check: its name, {@code PASS}/{@code WARN}/{@code FAIL}/{@code SKIP}, and what it found. */
    public record Check(String name, String verdict, String detail) {
        public Check {
            if (name == null || name.isBlank() || verdict == null || verdict.isBlank()) {
                throw new IllegalArgumentException("a check needs a name and a verdict");
            }
        }
    }

    /** doctor's result ({@code PASS}, {@code FAIL} or {@code ERROR}) and every check it ran. */
    public record Doctor(String result, List<Check> checks) {
        public Doctor {
            requireResult(result, "doctor");
            checks = List.copyOf(checks);
        }
    }

    public ProofRecord {
        AppName.require(app);
        if (runId == null || startedAt == null || smoke == null || doctor == null) {
            throw new IllegalArgumentException("a run record needs its id, start, smoke and doctor");
        }
        if (finishedAt != null && finishedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("a run cannot finish (" + finishedAt + ") before it starts ("
                    + startedAt + ")");
        }
    }

    /** {@code PASS} when smoke and doctor both passed (doctor's warnings allowed), else {@code FAIL}. */
    public String result() {
        return passed() ? PASS : FAIL;
    }

    public boolean passed() {
        return smoke.result().equals(PASS) && doctor.result().equals(PASS);
    }

    /**
     * What failed, by name: {@code smoke} when the tracer was not found or smoke could not run, each failed doctor
     * check, and {@code doctor} when doctor could not run at all.
     */
    public List<String> failingChecks() {
        List<String> failing = new ArrayList<>();
        if (!smoke.result().equals(PASS)) {
            failing.add("smoke");
        }
        doctor.checks().stream().filter(c -> c.verdict().equals(FAIL)).forEach(c -> failing.add(c.name()));
        if (!doctor.result().equals(PASS) && failing.stream().noneMatch(f -> !f.equals("smoke"))) {
            failing.add("doctor");
        }
        return failing;
    }

    private static void requireResult(String result, String what) {
        if (!PASS.equals(result) && !FAIL.equals(result) && !ERROR.equals(result)) {
            throw new IllegalArgumentException(what + "'s result must be PASS, FAIL or ERROR, not " + result);
        }
    }
}
