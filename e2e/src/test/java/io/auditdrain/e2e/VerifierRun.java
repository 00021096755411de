package io.auditdrain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.cli.VerifierCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of the verifier CLI, in process, with its output captured. */
record VerifierRun(int exitCode, String out, String err) {

    private static final Pattern TAG = Pattern.compile("pgaudit-smoke-\\d+-[a-z0-9]+");
    private static final Pattern LATENCY = Pattern.compile("latency\\s+(\\S+) \\(INSERT to stored object\\)");

    static VerifierRun run(Map<String, String> env, String... args) {
        return run(env, Clock.systemUTC(), args);
    }

    static VerifierRun run(Map<String, String> env, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VerifierCli.execute(new Environment(env), clock, new PrintWriter(out, true),
                new PrintWriter(err, true), args);
        return new VerifierRun(code, out.toString(), err.toString());
    }

    VerifierRun assertExit(int expected, String context) {
        assertEquals(expected, exitCode, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err + "\n" + context);
        return this;
    }

    /** The INSERT-to-object latency the PASS report shows, as printed ({@code 412ms}, {@code 1.2s}). */
    Optional<String> latency() {
        Matcher m = LATENCY.matcher(out);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The tracer's tag. */
    Optional<String> tag() {
        Matcher m = TAG.matcher(out);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    String output() {
        return "stdout:\n" + out + "\nstderr:\n" + err;
    }

    static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
