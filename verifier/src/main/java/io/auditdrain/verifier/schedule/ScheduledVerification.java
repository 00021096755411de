package io.auditdrain.verifier.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.ProofKey;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.cli.ConnectionOptions;
import io.auditdrain.verifier.cli.VerifierCli;
import io.auditdrain.verifier.proof.ProofRecord;
import io.auditdrain.verifier.proof.ProofRecordJson;
import io.auditdrain.verifier.proof.ProofRecordStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One scheduled run: reads the restricted role's database URL from its SSM parameter, runs {@code smoke} and
 * {@code doctor} exactly as an operator would ({@link VerifierCli}, {@code --json}), logs both reports, keeps a record
 * of the run in the archive ({@link ProofRecord}, under {@code proof/<app>/}, written once), and writes the metrics the
 * alarms watch ({@link VerificationMetrics}). A run never throws for a failed check, an unreachable database or a
 * record it could not write: every outcome is a metric, so that an alarm, not a silent retry, tells someone.
 */
public final class ScheduledVerification {

    /**
     * How a run went.
     *
     * @param smoke         {@code PASS}, {@code FAIL} or {@code ERROR} (could not run)
     * @param doctor        the same for doctor
     * @param checksFailed  failed checks; 1 when doctor could not run at all
     * @param error         why a command could not run, or null
     * @param record        the key of the run's record in the archive
     * @param recordProblem why that record is not (confirmed) in the archive, or null when it was written
     */
    public record Outcome(String smoke, Long smokeLatencyMs, String doctor, int checksFailed, int checksWarned,
                          List<String> failedChecks, String error, String record, String recordProblem) {

        /** smoke and doctor passed, and the run is on record. */
        public boolean passed() {
            return smoke.equals("PASS") && doctor.equals("PASS") && recordWritten();
        }

        public boolean recordWritten() {
            return record != null && recordProblem == null;
        }

        Outcome withRecord(ProofRecordStore.WriteResult written) {
            return new Outcome(smoke, smokeLatencyMs, doctor, checksFailed, checksWarned, failedChecks, error,
                    written.key(), written.problem());
        }

        /** What the function returns to its invoker. */
        public String json() {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("smoke", smoke);
            doc.put("doctor", doctor);
            doc.put("failedChecks", failedChecks);
            doc.put("error", error);
            doc.put("record", record);
            doc.put("recordProblem", recordProblem);
            return JsonOutput.write(doc);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduleConfig config;
    private final UnaryOperator<String> parameters;
    private final PrintStream log;
    private final Clock clock;
    private final VerificationMetrics metrics;
    private final ProofRecordStore records;

    /**
     * @param parameters reads an SSM parameter by name (decrypted); throws {@link ConfigurationException} when it
     *                   cannot
     * @param records    where each run's record is kept (the archive the config names)
     * @param log        the function's log: reports and metric lines, one JSON document per line
     */
    public ScheduledVerification(ScheduleConfig config, UnaryOperator<String> parameters, ProofRecordStore records,
                                 PrintStream log, Clock clock) {
        this.config = config;
        this.parameters = parameters;
        this.records = records;
        this.log = log;
        this.clock = clock;
        this.metrics = new VerificationMetrics(log, config.namespace(), config.app());
    }

    public Outcome run() {
        // Milliseconds, as the record's key holds them: the record's start and its key's time are the same instant.
        Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String url;
        try {
            url = parameters.apply(config.databaseUrlParameter());
        } catch (ConfigurationException e) {
            return finish(started, new Outcome("ERROR", null, "ERROR", 1, 0, List.of(), e.getMessage(), null, null),
                    null, null);
        }
        Map<String, String> variables = new HashMap<>(config.environment().variables());
        variables.put(ConnectionOptions.APP_URL_VARIABLE, url);
        Environment env = new Environment(variables);

        Report smoke = execute(env, "smoke", "--app", config.app(), "--store", config.store(), "--json",
                "--timeout", Durations.format(config.smokeTimeout()));
        Report doctor = execute(env, "doctor", "--app", config.app(), "--store", config.store(), "--json");

        List<String> errors = new ArrayList<>();
        String smokeResult = smoke.result();
        Long latency = null;
        if (smokeResult.equals("PASS") && smoke.json().hasNonNull("latency_ms")) {
            latency = smoke.json().get("latency_ms").asLong();
        }
        if (smoke.error() != null) {
            errors.add("smoke: " + smoke.error());
        }
        String doctorResult = doctor.result();
        int failed = 0;
        int warned = 0;
        List<String> failedChecks = new ArrayList<>();
        if (doctor.json() != null && doctor.json().has("checks")) {
            long now = clock.millis();
            for (JsonNode check : doctor.json().get("checks")) {
                String name = check.get("name").asText();
                String verdict = check.get("verdict").asText();
                metrics.check(now, name, verdict);
                if (verdict.equals("FAIL")) {
                    failed++;
                    failedChecks.add(name);
                } else if (verdict.equals("WARN")) {
                    warned++;
                }
            }
        } else {
            failed = 1;
        }
        if (doctor.error() != null) {
            errors.add("doctor: " + doctor.error());
        }
        return finish(started, new Outcome(smokeResult, latency, doctorResult, failed, warned,
                List.copyOf(failedChecks), errors.isEmpty() ? null : String.join("; ", errors), null, null), smoke,
                doctor);
    }

    /** Keeps the run's record in the archive, then writes the run's metrics (which say whether the record is there). */
    private Outcome finish(Instant started, Outcome outcome, Report smoke, Report doctor) {
        ProofKey key = ProofKey.forRun(config.app(), started);
        ProofRecordStore.WriteResult written;
        try {
            ProofRecord record = new ProofRecord(config.app(), key.id(), started,
                    clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    VerifierCli.version(), smokeOf(smoke, outcome), doctorOf(doctor), outcome.error());
            written = records.create(key, ProofRecordJson.write(record));
        } catch (RuntimeException e) {
            // A report the record cannot hold is still no reason to stay silent: the metric says the record is missing.
            written = new ProofRecordStore.WriteResult(key.toString(), null, "could not build the run's record: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Outcome recorded = outcome.withRecord(written);
        metrics.run(clock.millis(), recorded);
        log.flush();
        return recorded;
    }

    /** smoke as the record keeps it, from its --json report (or why it could not run). */
    private static ProofRecord.Smoke smokeOf(Report smoke, Outcome outcome) {
        JsonNode json = smoke == null ? null : smoke.json();
        if (json == null) {
            return ProofRecord.Smoke.notRun(smoke != null && smoke.error() != null ? smoke.error() : outcome.error());
        }
        String result = smoke.result();
        String reason = text(json, "reason");
        if (reason == null && !result.equals("PASS")) {
            reason = text(json, "error") != null ? text(json, "error") : smoke.error();
        }
        Long latency = json.hasNonNull("latency_ms") ? json.get("latency_ms").asLong() : null;
        return new ProofRecord.Smoke(result, text(json, "tag"), time(json, "insert_time"), text(json, "object_key"),
                time(json, "object_time"), time(json, "stored_at"), latency, reason);
    }

    /** doctor as the record keeps it: its result and each check's verdict and detail. */
    private static ProofRecord.Doctor doctorOf(Report doctor) {
        JsonNode json = doctor == null ? null : doctor.json();
        List<ProofRecord.Check> checks = new ArrayList<>();
        if (json != null && json.has("checks")) {
            for (JsonNode check : json.get("checks")) {
                checks.add(new ProofRecord.Check(check.get("name").asText(), check.get("verdict").asText(),
                        text(check, "detail")));
            }
        }
        return new ProofRecord.Doctor(doctor == null ? "ERROR" : doctor.result(), checks);
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private static Instant time(JsonNode json, String field) {
        String value = text(json, field);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A command's JSON report (null when it printed none) and its error line (null when it ran). */
    private record Report(JsonNode json, String error) {
        String result() {
            return json != null && json.hasNonNull("result") ? json.get("result").asText() : "ERROR";
        }
    }

    private Report execute(Environment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        VerifierCli.execute(env, clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
        JsonNode json = null;
        String report = out.toString().strip();
        if (!report.isEmpty()) {
            try {
                json = JSON.readTree(report);
                log.println(report);
            } catch (IOException e) {
                json = null;
            }
        }
        String error = err.toString().strip();
        return new Report(json, error.isEmpty() ? null : error.lines().findFirst().orElse(error));
    }
}
