package io.auditdrain.verifier.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.cli.VerifierCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/** One run of the CLI, as a test sees it: exit code, stdout and stderr. */
public record VerifierRun(int exitCode, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static VerifierRun run(Map<String, String> env, String... args) {
        return run(env, Clock.systemUTC(), args);
    }

    public static VerifierRun run(Map<String, String> env, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VerifierCli.execute(new Environment(env), clock, new PrintWriter(out, true),
                new PrintWriter(err, true), args);
        return new VerifierRun(code, out.toString(), err.toString());
    }

    /** Fails with the whole output when the exit code is not {@code expected}. */
    public VerifierRun assertExit(int expected) {
        assertEquals(expected, exitCode, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        return this;
    }

    /** stdout as JSON (for --json runs). */
    public JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not JSON:\n" + out + "\nstderr:\n" + err, e);
        }
    }

    /** Everything printed, for messages. */
    public String output() {
        return "stdout:\n" + out + "\nstderr:\n" + err;
    }
}
