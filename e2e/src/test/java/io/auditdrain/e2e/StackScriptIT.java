package io.auditdrain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, {@code scripts/stack up}, as a newcomer runs it (with the jars this build made, in a
 * directory of its own so that a developer's own stack is left alone): PASS with a latency, then a clean
 * {@code down}.
 */
class StackScriptIT {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private Path stackDir() {
        return dir.resolve("stack");
    }

    @AfterEach
    void takeDown() throws Exception {
        run("down", "--purge");
    }

    @Test
    void stack_up_shows_pass_with_latency_and_down_leaves_nothing_running() throws Exception {
        // Another stack's ports (the first ones the script tries) are taken: this one chooses others, and says so.
        List<ServerSocket> taken = new ArrayList<>();
        for (int port : new int[] {15432, 18080}) {
            try {
                taken.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
            } catch (IOException inUse) {
                // taken already, which is as good
            }
        }
        long started = System.nanoTime();
        ScriptRun up;
        try {
            up = run("up", "--no-build");
        } finally {
            for (ServerSocket s : taken) {
                s.close();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(0, up.exitCode(), () -> up.output() + componentLogs());
        assertTrue(up.output().contains("PASS  tracer found"), up.output());
        assertTrue(up.output().matches("(?s).*latency\\s+\\S+ \\(INSERT to stored object\\).*"), up.output());
        assertTrue(up.output().contains("scripts/stack down"), "says what to run next: " + up.output());
        System.out.printf("scripts/stack up: PASS in %d ms%n", took.toMillis());

        List<Long> pids = pids();
        assertEquals(2, pids.size(), "receiver and emulator pid files");
        ScriptRun status = run("status");
        assertTrue(status.output().contains("receiver   running"), status.output());
        Matcher ports = Pattern.compile("postgres +running +127\\.0\\.0\\.1:(\\d+)(?s).*receiver +running +pid \\d+"
                + " +http://127\\.0\\.0\\.1:(\\d+)").matcher(status.output());
        assertTrue(ports.find(), status.output());
        assertTrue(!ports.group(1).equals("15432") && !ports.group(2).equals("18080"), status.output());
        String recorded = Files.readString(stackDir().resolve("stack.env"));
        assertTrue(recorded.contains("PG_PORT=" + ports.group(1) + "\n") && recorded.contains("RECEIVER_PORT="
                + ports.group(2) + "\n"), "the ports status shows are the ones recorded: " + recorded);

        ScriptRun down = run("down");
        assertEquals(0, down.exitCode(), down.output());
        assertTrue(down.output().contains("stopped: Logplex emulator, receiver, PostgreSQL"), down.output());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " stopped");
        }
        assertTrue(run("status").output().contains("postgres   stopped"));
        assertNotRunning(run("smoke"));
    }

    @Test
    void smoke_without_a_stack_says_to_start_one() throws Exception {
        assertNotRunning(run("smoke"));
        assertNotRunning(run("doctor"));
    }

    /**
     * A component that never answers (the receiver's JVM suspended, waiting for a debugger, as a slow one would be):
     * {@code up} names what it waits for and the component's log every few seconds, gives up after
     * AUDITDRAIN_STACK_WAIT_SECONDS with the logs' tails, stops what it started and keeps the logs.
     */
    @Test
    void a_wait_that_never_ends_names_its_component_and_log_then_fails_with_the_log_tails() throws Exception {
        ScriptRun up = run(Map.of("AUDITDRAIN_STACK_WAIT_SECONDS", "7",
                "JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0"),
                "up", "--no-build");
        String out = up.output();
        assertTrue(up.exitCode() != 0, out);
        String receiverLog = stackDir().resolve("logs/receiver.log").toString();
        assertTrue(out.matches("(?s).*waiting for the receiver to answer GET /health on 127\\.0\\.0\\.1:\\d+: \\d+ s so far "
                + "\\(log \\Q" + receiverLog + "\\E\\).*"), "a progress line naming the receiver and its log: " + out);
        assertTrue(out.contains("waited 7 s for the receiver"), out);
        assertTrue(out.contains("---- " + receiverLog + " (last 20 lines)"), out);
        assertTrue(out.contains("Listening for transport dt_socket"), "the tail of the receiver's own log: " + out);
        assertTrue(Files.isRegularFile(Path.of(receiverLog)), "the logs stay");
        assertTrue(run("status").output().contains("postgres   stopped"), "nothing stays running");
        assertNotRunning(run("smoke"));
    }

    private static void assertNotRunning(ScriptRun smoke) {
        assertEquals(2, smoke.exitCode(), smoke.output());
        assertTrue(smoke.output().contains("the stack is not running: scripts/stack up"), smoke.output());
        assertFalse(smoke.output().contains("Connection"), "no connection error: " + smoke.output());
    }

    /** The components' own logs, for a failure message: the stack's directory is gone once the test ends. */
    private String componentLogs() {
        StringBuilder sb = new StringBuilder();
        Path logs = stackDir().resolve("logs");
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.sorted().toList()) {
                String text = Files.readString(log);
                sb.append("\n--- ").append(log.getFileName()).append(" (last 3000 chars)\n")
                        .append(text.substring(Math.max(0, text.length() - 3000)));
            }
        } catch (IOException e) {
            sb.append("\n(no component logs: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(stackDir())) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                pids.add(Long.parseLong(Files.readString(p).strip()));
            }
        }
        return pids;
    }

    private ScriptRun run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    private ScriptRun run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(environment);
        env.put("AUDITDRAIN_STACK_DIR", stackDir().toString());
        List<String> command = new ArrayList<>(List.of("bash", "scripts/stack"));
        command.addAll(List.of(args));
        return ScriptRun.run(dir, env, LIMIT, command);
    }
}
