package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.auditdrain.testing.lambda.probe.ProbeFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execution environment treats a function as Lambda does, shown with a {@link ProbeFunction} under AWS's runtime
 * interface client: the payload limits, the init and restore time limits, a failing after-restore hook, the read-only
 * file system, the memory limit and the CPU share. Each of these passed unnoticed before the harness enforced it.
 */
class LambdaExecutionEnvironmentIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path work;
    private static Path probeJar;
    private static ContainerCredentialsEndpoint credentials;

    @BeforeAll
    static void packageTheProbe() throws IOException, URISyntaxException {
        probeJar = work.resolve("probe.zip");
        Path classes = Path.of(ProbeFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path crac = Path.of(org.crac.Core.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (OutputStream out = Files.newOutputStream(probeJar); ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(classes.resolve("io/auditdrain/testing/lambda/probe"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(file).toString()));
                Files.copy(file, zip);
            }
            // A deployment package's libraries go under lib/, as in the receiver's shaded jar they are inlined.
            zip.putNextEntry(new ZipEntry("lib/" + crac.getFileName()));
            Files.copy(crac, zip);
        }
        credentials = ContainerCredentialsEndpoint.start(() -> new ContainerCredentialsEndpoint.Credentials(
                "ASIAPROBE", "probe-secret", "probe-session", Instant.now().plus(Duration.ofHours(1))));
    }

    @AfterAll
    static void stop() {
        if (credentials != null) {
            credentials.close();
        }
    }

    private static LambdaExecutionEnvironment.FunctionConfiguration probe(int memoryMb, Map<String, String> env) {
        return new LambdaExecutionEnvironment.FunctionConfiguration("probe",
                ProbeFunction.class.getName() + "::handleRequest", memoryMb, TIMEOUT, "us-east-1", env);
    }

    private static LambdaExecutionEnvironment onDemand(LambdaRuntimeApi api, int memoryMb, Map<String, String> env) {
        return LambdaExecutionEnvironment.start(probeJar, probe(memoryMb, env),
                new LambdaExecutionEnvironment.Credentials.Static("ASIAPROBE", "probe-secret", "probe-session"), api,
                List.of());
    }

    private static LambdaExecutionEnvironment snapStart(LambdaRuntimeApi api, Map<String, String> env) {
        return LambdaExecutionEnvironment.start(probeJar, probe(LambdaCgroup.ONE_VCPU_MB, env),
                new LambdaExecutionEnvironment.Credentials.Container(credentials), api, List.of());
    }

    private static byte[] command(String command, Object argument) {
        return ("{\"command\":\"" + command + "\",\"argument\":\"" + argument + "\"}").getBytes(UTF_8);
    }

    private static LambdaRuntimeApi api() {
        return LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:probe");
    }

    @Test
    void events_and_responses_above_lambda_s_limits_are_refused_as_lambda_refuses_them() throws Exception {
        try (LambdaRuntimeApi api = api();
             LambdaExecutionEnvironment environment = onDemand(api, LambdaCgroup.ONE_VCPU_MB, Map.of())) {
            byte[] tooLarge = new byte[LambdaRuntimeApi.MAX_EVENT_BYTES + 1];
            LambdaRuntimeApi.Outcome refused = api.invoke(tooLarge, TIMEOUT);
            assertEquals("RequestEntityTooLargeException", refused.error().type());
            assertFalse(api.lifecycle().contains("next"), "the function never saw it: " + api.lifecycle());

            LambdaRuntimeApi.Outcome atLimit = api.invoke(command("respond", LambdaRuntimeApi.MAX_RESPONSE_BYTES),
                    TIMEOUT);
            assertTrue(atLimit.succeeded(), atLimit.error() + "\n" + environment.output());
            assertEquals(LambdaRuntimeApi.MAX_RESPONSE_BYTES, atLimit.response().length);

            LambdaRuntimeApi.Outcome above = api.invoke(command("respond", LambdaRuntimeApi.MAX_RESPONSE_BYTES + 1),
                    TIMEOUT);
            assertEquals("Function.ResponseSizeTooLarge", above.error().type());
            assertEquals("Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556"
                    + " bytes).", above.error().errorMessage());
            // The runtime client then reports an error for an invocation that is over, is refused, and exits: the
            // next request gets a new environment, as in Lambda.
            assertNotEquals(-1, environment.awaitExit(Duration.ofSeconds(20)), environment.output());
        }
    }

    @Test
    void an_on_demand_init_past_10_s_is_stopped_and_run_again_within_the_first_invocation() throws Exception {
        try (LambdaRuntimeApi api = api();
             LambdaExecutionEnvironment environment = onDemand(api, LambdaCgroup.ONE_VCPU_MB,
                     Map.of("PROBE_INIT_MILLIS", "10500"))) {
            awaitOutput(environment, "INIT_REPORT", Duration.ofSeconds(30));
            assertTrue(environment.output().contains("Phase: init\tStatus: timeout"), environment.output());
            assertFalse(environment.isAlive(), "the first init is stopped at the limit");

            long started = System.nanoTime();
            LambdaRuntimeApi.Outcome answer = api.invoke(command("respond", 4), TIMEOUT);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(answer.succeeded(), answer.error() + "\n" + environment.output());
            assertTrue(millis >= 10_500, "the init ran again inside the invocation: " + millis + " ms");
            assertEquals(2, environment.output().lines().filter("probe: init started"::equals).count(),
                    environment.output());
        }
    }

    @Test
    void an_after_restore_hook_that_throws_fails_the_restore_and_every_invocation_loudly() throws Exception {
        try (LambdaRuntimeApi api = api();
             LambdaExecutionEnvironment environment = snapStart(api, Map.of("PROBE_AFTER_RESTORE", "throw"))) {
            assertTrue(api.awaitCheckpoint(Duration.ofSeconds(60)), environment.output());
            api.restore();
            LambdaRuntimeApi.Outcome answer = api.invoke(command("respond", 4), TIMEOUT);

            // What the operator sees: the invocation fails (a Function URL answers 502, so Logplex retries), Lambda
            // names the cause SnapStartException, and the function's log holds the hook's exception.
            assertEquals("SnapStartException", answer.error().type());
            assertTrue(answer.error().errorMessage().contains("afterRestore() runtime hook"), answer.error().body());
            // The runtime client reports its own RestoreException; the hook's exception is in the log beside it.
            LambdaRuntimeApi.RuntimeError reported = api.awaitRestoreError(Duration.ofSeconds(10));
            assertEquals("Runtime.AfterRestoreError", reported.type());
            assertEquals("com.amazonaws.services.lambda.crac.RestoreException", reported.errorType(), reported.body());
            assertTrue(environment.output().contains("Suppressed: java.lang.IllegalStateException: the probe's"
                    + " after-restore hook failed on purpose"), environment.output());
            awaitOutput(environment, "RESTORE_REPORT", Duration.ofSeconds(10));
            assertTrue(environment.output().contains("Status: error"), environment.output());
            assertEquals(64, environment.awaitExit(Duration.ofSeconds(20)), "the runtime client exits");
            assertEquals("SnapStartException", api.invoke(command("respond", 4), TIMEOUT).error().type(),
                    "and the environment serves nothing more");
        }
    }

    @Test
    void an_after_restore_hook_past_10_s_fails_the_restore_with_snap_start_timeout() throws Exception {
        try (LambdaRuntimeApi api = api();
             LambdaExecutionEnvironment environment = snapStart(api, Map.of("PROBE_AFTER_RESTORE", "sleep:20000"))) {
            assertTrue(api.awaitCheckpoint(Duration.ofSeconds(60)), environment.output());
            long started = System.nanoTime();
            api.restore();
            LambdaRuntimeApi.Outcome answer = api.invoke(command("respond", 4), TIMEOUT);
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals("SnapStartTimeoutException", answer.error().type(), environment.output());
            assertTrue(millis >= 10_000 && millis < 15_000, "failed after " + millis + " ms, not when the 20 s hook"
                    + " would have ended");
            awaitOutput(environment, "RESTORE_REPORT", Duration.ofSeconds(10));
            assertTrue(environment.output().contains("Status: timeout"), environment.output());
            assertFalse(environment.isAlive(), "the environment is stopped");
        }
    }

    @Test
    void only_tmp_is_writable_and_the_task_root_is_the_working_directory() throws Exception {
        assumeTrue(ExecutionSandbox.mountNamespaces(), "no mount namespaces here (said above): the file system is"
                + " writable");
        try (LambdaRuntimeApi api = api();
             LambdaExecutionEnvironment environment = onDemand(api, LambdaCgroup.ONE_VCPU_MB, Map.of())) {
            String taskRoot = text(api.invoke(command("working-directory", ""), TIMEOUT));
            assertEquals(environment.taskRoot().toString(), taskRoot);
            assertTrue(text(api.invoke(command("write", "task-root"), TIMEOUT)).contains("Read-only file system"));
            assertEquals("written", text(api.invoke(command("write", "tmp"), TIMEOUT)));
            assertTrue(Files.list(Path.of(taskRoot)).noneMatch(p -> p.getFileName().toString().startsWith("probe-")));
        }
    }

    @Test
    void a_function_that_outgrows_its_memory_is_killed_and_reported_as_out_of_memory() throws Exception {
        assumeTrue(LambdaCgroup.availability().available(), "unsized here (said above)");
        try (LambdaRuntimeApi api = api(); LambdaExecutionEnvironment environment = onDemand(api, 512, Map.of())) {
            LambdaRuntimeApi.Outcome answer = api.invoke(command("allocate", 300), TIMEOUT);

            assertNotNull(answer.error(), "600 MB held within 512 MB: " + answer.responseText());
            assertEquals("Runtime.OutOfMemory", answer.error().type(), environment.output());
            assertTrue(answer.error().errorMessage().matches("RequestId: [0-9a-f-]+ Error: Runtime exited with"
                    + " error: signal: killed"), answer.error().errorMessage());
            assertFalse(environment.isAlive());
            assertTrue(environment.maxMemoryUsedBytes().orElseThrow() <= 512L * 1024 * 1024);
        }
    }

    @Test
    void an_environment_gets_its_memory_over_1769_mb_of_one_core_and_leaves_no_cgroup_behind() throws Exception {
        assumeTrue(LambdaCgroup.availability().available(), "unsized here (said above)");
        String group;
        try (LambdaRuntimeApi api = api(); LambdaExecutionEnvironment environment = onDemand(api, 512, Map.of())) {
            assertTrue(api.invoke(command("spin", 100), TIMEOUT).succeeded(), environment.output());
            group = environment.cgroup().orElseThrow().name();
            assertTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/cpu", group)));
            long cpu = environment.cpuTime().toNanos();
            long started = System.nanoTime();
            assertTrue(api.invoke(command("spin", 3000), TIMEOUT).succeeded());
            double share = (environment.cpuTime().toNanos() - cpu) / (double) (System.nanoTime() - started);
            // Never more than its share (512 / 1769 = 0.289 of a core); less when the machine is busy.
            assertTrue(share <= 0.289 * 1.1, "used " + share + " of a core");
            assertTrue(share >= 0.1, "used " + share + " of a core: the probe did not spin");
        }
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/cpu", group)), "cpu cgroup removed");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory", group)), "memory cgroup removed");
    }

    private static String text(LambdaRuntimeApi.Outcome outcome) {
        assertTrue(outcome.succeeded(), String.valueOf(outcome.error()));
        String json = outcome.responseText();
        return json.substring(1, json.length() - 1);
    }

    private static void awaitOutput(LambdaExecutionEnvironment environment, String text, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!environment.output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + text + " within " + timeout + ":\n" + environment.output());
            }
            Thread.sleep(100);
        }
    }
}
