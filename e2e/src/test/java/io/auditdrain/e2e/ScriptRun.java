package io.auditdrain.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of a command in the repository's root, as a user types it, in a process of its own, bounded in time. */
record ScriptRun(int exitCode, String output) {

    /**
     * Runs COMMAND with this process's environment plus ENVIRONMENT (an empty value reads as unset to the scripts).
     * Output, stdout and stderr together, goes to a file in OUTPUT_DIR, not a pipe: a pipe held open by a stray
     * child would block the read past the limit.
     */
    static ScriptRun run(Path outputDir, Map<String, String> environment, Duration limit, List<String> command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile(outputDir, "run-", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(repositoryRoot().toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + limit);
        }
        return new ScriptRun(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /** The first folder at or above the working directory that holds scripts/stack. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/stack"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no scripts/stack above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
