package io.auditdrain.testing.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * One Lambda execution environment of the managed Java runtime, on this machine: a fresh JVM started the way the
 * {@code java21} runtime starts it (AWS's runtime interface client as the main class, the handler string as its
 * argument, the deployment package unzipped into the task root and loaded from there, the JVM options and the
 * reserved environment variables Lambda sets), talking to a {@link LambdaRuntimeApi} on loopback.
 *
 * <p>The environment is exactly what is listed here: nothing is inherited from the test's own environment, and the
 * JVM's home directory is an empty folder, so no developer profile or credential can leak into the function.
 *
 * <p>Credentials come one of two ways, as in Lambda: {@link Credentials.Static} puts the role's temporary keys in
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} (on-demand); {@link
 * Credentials.Container} sets only {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code
 * AWS_CONTAINER_AUTHORIZATION_TOKEN} (SnapStart), with {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}, under which
 * the runtime client runs the before-checkpoint hooks, waits in {@code restore/next}, then runs the after-restore
 * hooks.
 */
public final class LambdaExecutionEnvironment implements AutoCloseable {

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

    private final Process process;
    private final Path root;
    private final Path log;

    private LambdaExecutionEnvironment(Process process, Path root, Path log) {
        this.process = process;
        this.root = root;
        this.log = log;
    }

    /**
     * Unzips {@code deploymentPackage} into a task root and starts the runtime in it.
     *
     * @param jvmOptions extra JVM options, as the function's {@code JAVA_TOOL_OPTIONS} would add them
     */
    public static LambdaExecutionEnvironment start(Path deploymentPackage, FunctionConfiguration function,
                                                   Credentials credentials, LambdaRuntimeApi api,
                                                   List<String> jvmOptions) {
        try {
            Path root = Files.createTempDirectory("lambda-environment-");
            Path taskRoot = Files.createDirectories(root.resolve("task"));
            Path home = Files.createDirectories(root.resolve("home"));
            Path tmp = Files.createDirectories(root.resolve("tmp"));
            unzip(deploymentPackage, taskRoot);

            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // The managed runtime's own options (its launcher script): heap from the memory size, serial GC, C1
            // only, the runtime client's CRaC implementation behind org.crac, IPv4.
            command.add("-XX:MaxHeapSize=" + (function.memoryMb() * 1024L * 85 / 100) + "k");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:+TieredCompilation");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("--add-opens=java.base/java.io=ALL-UNNAMED");
            command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
            command.add("-Djava.net.preferIPv4Stack=true");
            command.add("-XX:+ErrorFileToStderr");
            command.add("-Duser.home=" + home);
            command.add("-Djava.io.tmpdir=" + tmp);
            command.addAll(jvmOptions);
            command.add("-classpath");
            command.add(String.join(java.io.File.pathSeparator, runtimeClasspath()));
            command.add(AWSLambda.class.getName());
            command.add(function.handler());

            ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.putAll(function.environment());
            env.putAll(reservedVariables(function, taskRoot, api, credentials));
            Path log = root.resolve("output.log");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            return new LambdaExecutionEnvironment(builder.start(), root, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The variables Lambda sets itself and a function cannot override. */
    static Map<String, String> reservedVariables(FunctionConfiguration function, Path taskRoot, LambdaRuntimeApi api,
                                                 Credentials credentials) {
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
        env.put("LAMBDA_RUNTIME_DIR", taskRoot.getParent().toString());
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
        return process.toHandle().info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("this platform does not report a process's CPU time"));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the runtime to exit; its exit code, or -1 if it is still running after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Everything the function wrote to stdout and stderr so far (Lambda sends both to CloudWatch Logs). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
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

    private static void unzip(Path archive, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(archive); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                }
            }
        }
    }
}
