package io.auditdrain.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** One run of the CLI with captured output; assertions show both streams when they fail. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> env, CountDownLatch stop, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EmulatorCli.execute(env, stop, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    CliRun assertExitCode(int expected) {
        assertEquals(expected, exitCode, "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        return this;
    }
}
