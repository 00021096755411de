package io.auditdrain.testing.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * One Lambda execution environment of the managed Java runtime, on this machine: a fresh JVM started the way the
 * {@code java21} runtime starts it (AWS's runtime interface client as the main class, the handler string as its
 * argument, the deployment package unzipped into the task root and loaded from there, the JVM options and the
 * reserved environment variables Lambda sets), talking to a {@link LambdaRuntimeApi} on loopback.
 *
 * <p>Sized and confined as Lambda's, as far as the machine allows (each fallback is said loudly, never silently):
 * <ul>
 *   <li>CPU and memory of the function's memory size, in a {@link LambdaCgroup}: memory ÷ 1,769 MB of one core, and
 *       killed past its memory, reported as {@code Runtime.OutOfMemory};</li>
 *   <li>only {@code /tmp} writable, a {@code /tmp} of its own, and the task root as working directory ({@link
 *       ExecutionSandbox});</li>
 *   <li>Lambda's time limits: an on-demand init that has not finished within {@link #INIT_LIMIT} is stopped
 *       ({@code INIT_REPORT ... Status: timeout}) and run again when the first invocation arrives, within that
 *       invocation's timeout; a SnapStart init (before the snapshot) gets the larger of 130 s and the timeout; after
 *       {@link LambdaRuntimeApi#restore()} the after-restore hooks get {@link #RESTORE_LIMIT}, past which the restore
 *       fails with {@code SnapStartTimeoutException}; a hook that throws fails it with {@code SnapStartException};</li>
 *   <li>a runtime that exits or is killed fails the invocation under way and every later one ({@code
 *       Runtime.ExitError}, or {@code Runtime.OutOfMemory} when the memory limit killed it), as Lambda answers
 *       them.</li>
 * </ul>
 *
 * <p>The environment is exactly what is listed here: nothing is inherited from the test's own environment, and the
 * JVM's home directory is an empty folder, so no developer profile or credential can leak into the function. JVM
 * options a test adds reach the JVM the way a function's own do in Lambda: appended to {@code JAVA_TOOL_OPTIONS}.
 *
 * <p>Credentials come one of two ways, as in Lambda: {@link Credentials.Static} puts the role's temporary keys in
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} (on-demand); {@link
 * Credentials.Container} sets only {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code
 * AWS_CONTAINER_AUTHORIZATION_TOKEN} (SnapStart), with {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}, under which
 * the runtime client runs the before-checkpoint hooks, waits in {@code restore/next}, then runs the after-restore
 * hooks.
 */
public final class LambdaExecutionEnvironment implements AutoCloseable {

    /** Lambda's limit on an on-demand environment's init phase. */
    public static final Duration INIT_LIMIT = Duration.ofSeconds(10);
    /** Lambda's limit on the restore phase (the after-restore hooks) of a SnapStart environment. */
    public static final Duration RESTORE_LIMIT = Duration.ofSeconds(10);
    /** A SnapStart init may run up to the larger of this and the function's timeout. */
    public static final Duration SNAPSHOT_INIT_LIMIT = Duration.ofSeconds(130);

    /** The runtime client loads its JNI library from here when set, instead of copying it into /tmp. */
    private static final String NATIVE_LIBRARY_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** Where the environment's CPU and memory come from. */
    public enum Sizing {
        /** The function's memory size and its CPU share, in a cgroup (when the machine allows). */
        LAMBDA,
        /** The host's full cores and memory: only for a baseline measured beside sized runs. */
        UNSIZED
    }

    /** Where the environment's credentials come from. */
    public sealed interface Credentials {
        /** On-demand: the role's keys in the environment. */
        record Static(String accessKeyId, String secretAccessKey, String sessionToken) implements Credentials {
            @Override
            public String toString() {
                return "Static[" + accessKeyId + "]";
            }
        }

        /** SnapStart: only the container credentials endpoint. */
        record Container(ContainerCredentialsEndpoint endpoint) implements Credentials {
        }
    }

    /** What the function is, as its configuration says (Terraform's aws_lambda_function). */
    public record FunctionConfiguration(String name, String handler, int memoryMb, Duration timeout, String region,
                                        Map<String, String> environment) {
    }

    private final FunctionConfiguration function;
    private final LambdaRuntimeApi api;
    private final boolean snapStart;
    private final Path root;
    private final Path taskRoot;
    private final Path log;
    private final Optional<LambdaCgroup> cgroup;
    private final ProcessBuilder launcher;
    private final Object lock = new Object();
    private Process process;
    private boolean stopping;
    private boolean closed;

    private LambdaExecutionEnvironment(FunctionConfiguration function, LambdaRuntimeApi api, boolean snapStart,
                                       Path root, Path taskRoot, Path log, Optional<LambdaCgroup> cgroup,
                                       ProcessBuilder launcher) {
        this.function = function;
        this.api = api;
        this.snapStart = snapStart;
        this.root = root;
        this.taskRoot = taskRoot;
        this.log = log;
        this.cgroup = cgroup;
        this.launcher = launcher;
    }

    /**
     * Unzips {@code deploymentPackage} into a task root and starts the runtime in it, sized as Lambda sizes the
     * function.
     *
     * @param jvmOptions extra JVM options, appended to the function's {@code JAVA_TOOL_OPTIONS} as a function's own
     *                   options reach the JVM in Lambda
     */
    public static LambdaExecutionEnvironment start(Path deploymentPackage, FunctionConfiguration function,
                                                   Credentials credentials, LambdaRuntimeApi api,
                                                   List<String> jvmOptions) {
        return start(deploymentPackage, function, credentials, api, jvmOptions, Sizing.LAMBDA);
    }

    /** As {@link #start(Path, FunctionConfiguration, Credentials, LambdaRuntimeApi, List)}, sized as {@code sizing}. */
    public static LambdaExecutionEnvironment start(Path deploymentPackage, FunctionConfiguration function,
                                                   Credentials credentials, LambdaRuntimeApi api,
                                                   List<String> jvmOptions, Sizing sizing) {
        Path root = null;
        Optional<LambdaCgroup> cgroup = Optional.empty();
        try {
            Path taskRoot = TaskRoots.of(deploymentPackage);
            root = Files.createTempDirectory(ExecutionSandbox.environmentsDirectory(), "lambda-environment-");
            Path home = Files.createDirectories(root.resolve("home"));
            Path tmp = Files.createDirectories(root.resolve("tmp"));
            cgroup = sizing == Sizing.LAMBDA ? LambdaCgroup.create(function.memoryMb()) : Optional.empty();

            List<String> java = new ArrayList<>();
            java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // The managed runtime's own options (its launcher script): heap from the memory size, serial GC, C1
            // only, the runtime client's CRaC implementation behind org.crac, IPv4.
            java.add("-XX:MaxHeapSize=" + (function.memoryMb() * 1024L * 85 / 100) + "k");
            java.add("-XX:+UseSerialGC");
            java.add("-XX:+TieredCompilation");
            java.add("-XX:TieredStopAtLevel=1");
            java.add("--add-opens=java.base/java.io=ALL-UNNAMED");
            java.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
            java.add("-Djava.net.preferIPv4Stack=true");
            java.add("-XX:+ErrorFileToStderr");
            if (cgroup.isPresent()) {
                // In Lambda the JVM runs in a virtual machine, not a container: it does not size itself from a
                // cgroup (the heap is set above, as the runtime sets it).
                java.add("-XX:-UseContainerSupport");
            }
            java.add("-Duser.home=" + home);
            java.add("-Djava.io.tmpdir=" + (ExecutionSandbox.mountNamespaces() ? "/tmp" : tmp.toString()));
            if (!ExecutionSandbox.mountNamespaces()) {
                // A shared /tmp: each runtime client would copy its JNI library to the same /tmp path while another
                // maps it (SIGBUS). Each gets its own copy instead.
                java.add("-D" + NATIVE_LIBRARY_PROPERTY + "=" + nativeLibrary(root.resolve("libaws-lambda-jni.so")));
            }
            java.add("-classpath");
            java.add(String.join(File.pathSeparator, runtimeClasspath()));
            java.add(AWSLambda.class.getName());
            java.add(function.handler());

            ProcessBuilder builder = new ProcessBuilder(ExecutionSandbox.confine(java, taskRoot, tmp, cgroup))
                    .directory(taskRoot.toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.putAll(function.environment());
            env.putAll(reservedVariables(function, taskRoot, root, api, credentials));
            if (!jvmOptions.isEmpty()) {
                String own = function.environment().getOrDefault("JAVA_TOOL_OPTIONS", "");
                env.put("JAVA_TOOL_OPTIONS", (own + " " + String.join(" ", jvmOptions)).strip());
            }
            Path log = root.resolve("output.log");
            Files.createFile(log);
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            LambdaExecutionEnvironment environment = new LambdaExecutionEnvironment(function, api,
                    credentials instanceof Credentials.Container, root, taskRoot, log, cgroup, builder);
            environment.launch();
            Thread supervisor = new Thread(environment::supervise, "lambda-environment-supervisor");
            supervisor.setDaemon(true);
            supervisor.start();
            return environment;
        } catch (IOException | RuntimeException e) {
            cgroup.ifPresent(LambdaCgroup::close);
            if (root != null) {
                TaskRoots.deleteTree(root);
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The variables Lambda sets itself and a function cannot override. */
    static Map<String, String> reservedVariables(FunctionConfiguration function, Path taskRoot, Path runtimeDir,
                                                 LambdaRuntimeApi api, Credentials credentials) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("_HANDLER", function.handler());
        env.put("AWS_REGION", function.region());
        env.put("AWS_DEFAULT_REGION", function.region());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[1]0123456789abcdef0123456789abcdef");
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        if (credentials instanceof Credentials.Static keys) {
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
            env.put("AWS_ACCESS_KEY_ID", keys.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", keys.secretAccessKey());
            env.put("AWS_SESSION_TOKEN", keys.sessionToken());
        } else if (credentials instanceof Credentials.Container container) {
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
            env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", container.endpoint().fullUri());
            env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", container.endpoint().authorizationToken());
        }
        return env;
    }

    /** The process's CPU time so far (user and system), as the kernel counts it. */
    public Duration cpuTime() {
        return current().toHandle().info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("this platform does not report a process's CPU time"));
    }

    /** The deployment package, unzipped: the function's working directory. */
    public Path taskRoot() {
        return taskRoot;
    }

    /** The cgroup that sizes this environment; empty when it runs unsized. */
    public Optional<LambdaCgroup> cgroup() {
        return cgroup;
    }

    /** The most memory the environment used at once (Lambda's "Max Memory Used"), when it is sized. */
    public OptionalLong maxMemoryUsedBytes() {
        return cgroup.map(g -> OptionalLong.of(g.maxMemoryUsedBytes())).orElse(OptionalLong.empty());
    }

    /** How it is sized, in words, for reports. */
    public String sizing() {
        return cgroup.map(g -> String.format("%d MB, %.2f vCPU", g.memoryMb(), g.vcpus()))
                .orElse("unsized (host's cores and memory)");
    }

    public boolean isAlive() {
        return current().isAlive();
    }

    /** Waits for the runtime to exit; its exit code, or -1 if it is still running after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        Process p = current();
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
    }

    /**
     * Everything the function wrote to stdout and stderr so far (Lambda sends both to CloudWatch Logs), with the
     * lines Lambda itself writes there ({@code INIT_REPORT}, {@code RESTORE_REPORT}, runtime exits).
     */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        stop();
        cgroup.ifPresent(LambdaCgroup::close);
        TaskRoots.deleteTree(root);
    }

    private Process current() {
        synchronized (lock) {
            return process;
        }
    }

    private void launch() throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException("the environment is closed");
            }
            stopping = false;
            process = launcher.start();
        }
    }

    /** Stops the runtime on purpose (closed, or a time limit passed): its exit is not reported as a failure. */
    private void stop() {
        Process p;
        synchronized (lock) {
            stopping = true;
            p = process;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Watches the phases' time limits and the runtime's exit, and tells the Runtime API what Lambda would. */
    private void supervise() {
        try {
            long started = System.nanoTime();
            if (snapStart) {
                Duration limit = function.timeout().compareTo(SNAPSHOT_INIT_LIMIT) > 0 ? function.timeout()
                        : SNAPSHOT_INIT_LIMIT;
                if (!awaitPhase(() -> api.awaitCheckpoint(Duration.ofMillis(200)), limit)) {
                    if (timedOut(started, limit)) {
                        stop();
                        platformLog(String.format("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: timeout",
                                millisSince(started)));
                        api.fail("Sandbox.Timeout", "the init phase did not finish within " + limit.toSeconds() + " s");
                    }
                    reportExit();
                    return;
                }
                while (!api.awaitRestoreCall(Duration.ofMillis(200))) {
                    if (!current().isAlive() || isClosed()) {
                        reportExit();
                        return;
                    }
                }
                long restoring = api.restoreCalledNanos();
                if (!awaitPhase(() -> api.awaitNextCall(0, Duration.ofMillis(200)), RESTORE_LIMIT)) {
                    if (timedOut(restoring, RESTORE_LIMIT) && !api.failed()) {
                        stop();
                        platformLog(String.format("RESTORE_REPORT Restore Duration: %.2f ms\tStatus: timeout",
                                millisSince(restoring)));
                        api.fail("SnapStartTimeoutException", "Lambda couldn't restore the snapshot within the"
                                + " timeout limit.");
                    } else if (api.failed()) {
                        platformLog(String.format("RESTORE_REPORT Restore Duration: %.2f ms\tStatus: error",
                                millisSince(restoring)));
                    }
                    reportExit();
                    return;
                }
                platformLog(String.format("RESTORE_REPORT Restore Duration: %.2f ms", millisSince(restoring)));
            } else if (!awaitPhase(() -> api.awaitNextCall(0, Duration.ofMillis(200)), INIT_LIMIT)) {
                if (!timedOut(started, INIT_LIMIT)) {
                    reportExit();
                    return;
                }
                // Lambda stops an init that passes its limit, and runs it again within the first invocation.
                stop();
                platformLog(String.format("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: timeout",
                        millisSince(started)));
                api.awaitInvocation();
                if (isClosed()) {
                    return;
                }
                launch();
            }
            reportExit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            api.fail("Runtime.ExitError", "the runtime could not be started again: " + e.getMessage());
        }
    }

    /** Polls {@code done} until it holds, the runtime exits, or {@code limit} passes; true only in the first case. */
    private boolean awaitPhase(PhaseCheck done, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.check()) {
                return true;
            }
            if (!current().isAlive() || isClosed() || api.failed()) {
                return false;
            }
        }
        return false;
    }

    private interface PhaseCheck {
        boolean check() throws InterruptedException;
    }

    private boolean timedOut(long startedNanos, Duration limit) {
        return current().isAlive() && !isClosed() && System.nanoTime() - startedNanos >= limit.toNanos();
    }

    /** Waits for the runtime to exit; one that was not stopped on purpose fails the environment, as in Lambda. */
    private void reportExit() throws InterruptedException {
        int exit = current().waitFor();
        synchronized (lock) {
            if (stopping || closed) {
                return;
            }
        }
        if (api.initFailed() && !snapStart) {
            // The runtime reported its init error and exited: Lambda answers invocations with that error.
            api.fail("Runtime.ExitError", "Runtime exited with error: " + exitStatus(exit) + " (after an init error)");
            return;
        }
        // Each environment has a cgroup of its own, and its first unexpected exit is its last.
        boolean outOfMemory = cgroup.map(LambdaCgroup::oomKills).orElse(0L) > 0;
        String type = outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
        String requestId = api.invocationUnderWay();
        platformLog((requestId == null ? "" : "RequestId: " + requestId + " ") + "Error: Runtime exited with error: "
                + exitStatus(exit) + "\n" + type);
        api.fail(type, "Runtime exited with error: " + exitStatus(exit));
    }

    /** As Lambda words an exit: {@code exit status 1}, {@code signal: killed}. */
    static String exitStatus(int exit) {
        if (exit <= 128) {
            return "exit status " + exit;
        }
        return "signal: " + switch (exit - 128) {
            case 6 -> "aborted";
            case 9 -> "killed";
            case 11 -> "segmentation fault";
            case 15 -> "terminated";
            default -> Integer.toString(exit - 128);
        };
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Appends a line as Lambda's platform writes one to the function's log stream. */
    private void platformLog(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the environment's folder is gone: it was closed
        }
    }

    private static double millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }

    /**
     * The runtime's own jars, as /var/runtime/lib holds them: the runtime interface client, aws-lambda-java-core,
     * the serialization library and the SDK's utils-lite. Found where this JVM loaded them from.
     */
    private static List<String> runtimeClasspath() {
        List<String> jars = new ArrayList<>();
        for (Class<?> type : List.of(AWSLambda.class, Context.class, PojoSerializer.class,
                SdkInternalThreadLocal.class)) {
            try {
                jars.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return jars;
    }

    /** The runtime client's JNI library for this machine, written to {@code target}. */
    private static Path nativeLibrary(Path target) throws IOException {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
        String resource = "/jni/libaws-lambda-jni.linux-" + arch + ".so";
        try (InputStream in = AWSLambda.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the runtime interface client has no " + resource);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }

}
