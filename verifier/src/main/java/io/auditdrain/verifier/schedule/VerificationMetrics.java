package io.auditdrain.verifier.schedule;

import io.auditdrain.verifier.JsonOutput;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the scheduled run's metrics as CloudWatch Embedded Metric Format lines on stdout (the function's log), which
 * CloudWatch turns into metrics without an API call:
 * <ul>
 *   <li>per check, dimensions {@code App} and {@code Check}: {@code CheckFailed} 1 or 0;</li>
 *   <li>per run, dimension {@code App}: {@code SmokeFailed} (1 when the tracer was not found or smoke could not run),
 *       {@code ChecksFailed} (failed checks; 1 when doctor could not run), {@code ChecksWarned} and {@code Runs} (1:
 *       the run finished; its absence is what "stopped running" means) and {@code ProofRecordMissing} (1 when the
 *       run's record could not be written to the archive, or a 412 left it unconfirmed);</li>
 *   <li>when smoke passed, {@code SmokeLatency}: INSERT to stored object, in milliseconds.</li>
 * </ul>
 */
final class VerificationMetrics {

    private final PrintStream out;
    private final String namespace;
    private final String app;

    VerificationMetrics(PrintStream out, String namespace, String app) {
        this.out = out;
        this.namespace = namespace;
        this.app = app;
    }

    void check(long timestamp, String check, String verdict) {
        Map<String, Object> line = document(timestamp, List.of("App", "Check"), Map.of("CheckFailed", "Count"));
        line.put("event", "verification_check");
        line.put("App", app);
        line.put("Check", check);
        line.put("verdict", verdict);
        line.put("CheckFailed", verdict.equals("FAIL") ? 1 : 0);
        out.println(JsonOutput.write(line));
    }

    void run(long timestamp, ScheduledVerification.Outcome outcome) {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("SmokeFailed", "Count");
        metrics.put("ChecksFailed", "Count");
        metrics.put("ChecksWarned", "Count");
        metrics.put("Runs", "Count");
        metrics.put("ProofRecordMissing", "Count");
        if (outcome.smokeLatencyMs() != null) {
            metrics.put("SmokeLatency", "Milliseconds");
        }
        Map<String, Object> line = document(timestamp, List.of("App"), metrics);
        line.put("event", "verification_run");
        line.put("level", outcome.passed() ? "INFO" : "ERROR");
        line.put("App", app);
        line.put("smoke", outcome.smoke());
        line.put("doctor", outcome.doctor());
        line.put("failedChecks", outcome.failedChecks());
        if (outcome.error() != null) {
            line.put("error", outcome.error());
        }
        line.put("record", outcome.record());
        if (outcome.recordProblem() != null) {
            line.put("recordProblem", outcome.recordProblem());
        }
        line.put("SmokeFailed", outcome.smoke().equals("PASS") ? 0 : 1);
        line.put("ChecksFailed", outcome.checksFailed());
        line.put("ChecksWarned", outcome.checksWarned());
        line.put("Runs", 1);
        line.put("ProofRecordMissing", outcome.recordWritten() ? 0 : 1);
        if (outcome.smokeLatencyMs() != null) {
            line.put("SmokeLatency", outcome.smokeLatencyMs());
        }
        out.println(JsonOutput.write(line));
    }

    private Map<String, Object> document(long timestamp, List<String> dimensions, Map<String, String> metrics) {
        List<Map<String, String>> declared = metrics.entrySet().stream()
                .map(e -> Map.of("Name", e.getKey(), "Unit", e.getValue())).toList();
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", namespace);
        directive.put("Dimensions", List.of(dimensions));
        directive.put("Metrics", declared);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", timestamp);
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", aws);
        return line;
    }
}
