package io.auditdrain.verifier.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.cli.ConnectionOptions;
import io.auditdrain.verifier.cli.VerifierCli;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One scheduled run: reads the restricted role's database URL from its SSM parameter, runs {@code smoke} and
 * {@code doctor} exactly as an operator would ({@link VerifierCli}, {@code --json}), logs both reports, and writes the
 * metrics the alarms watch ({@link VerificationMetrics}). A run never throws for a failed check or an unreachable
 * database: every outcome is a metric, so that an alarm, not a silent retry, tells someone.
 */
public final class ScheduledVerification {

    /**
     * How a run went.
     *
     * @param smoke         {@code PASS}, {@code FAIL} or {@code ERROR} (could not run)
     * @param doctor        the same for doctor
     * @param checksFailed  failed checks; 1 when doctor could not run at all
     * @param error         why a command could not run, or null
     */
    public record Outcome(String smoke, Long smokeLatencyMs, String doctor, int checksFailed, int checksWarned,
                          List<String> failedChecks, String error) {

        public boolean passed() {
            return smoke.equals("PASS") && doctor.equals("PASS");
        }

        /** What the function returns to its invoker. */
        public String json() {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("smoke", smoke);
            doc.put("doctor", doctor);
            doc.put("failedChecks", failedChecks);
            doc.put("error", error);
            return JsonOutput.write(doc);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduleConfig config;
    private final UnaryOperator<String> parameters;
    private final PrintStream log;
    private final Clock clock;
    private final VerificationMetrics metrics;

    /**
     * @param parameters reads an SSM parameter by name (decrypted); throws {@link ConfigurationException} when it
     *                   cannot
     * @param log        the function's log: reports and metric lines, one JSON document per line
     */
    public ScheduledVerification(ScheduleConfig config, UnaryOperator<String> parameters, PrintStream log,
                                 Clock clock) {
        this.config = config;
        this.parameters = parameters;
        this.log = log;
        this.clock = clock;
        this.metrics = new VerificationMetrics(log, config.namespace(), config.app());
    }

    public Outcome run() {
        String url;
        try {
            url = parameters.apply(config.databaseUrlParameter());
        } catch (ConfigurationException e) {
            return finish(new Outcome("ERROR", null, "ERROR", 1, 0, List.of(), e.getMessage()));
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
        return finish(new Outcome(smokeResult, latency, doctorResult, failed, warned, List.copyOf(failedChecks),
                errors.isEmpty() ? null : String.join("; ", errors)));
    }

    private Outcome finish(Outcome outcome) {
        metrics.run(clock.millis(), outcome);
        log.flush();
        return outcome;
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
