package io.auditdrain.faults;

import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.lambda.ContainerCredentialsEndpoint;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TerraformModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The shipped jar as Terraform deploys it (handler, memory, timeout, JAVA_TOOL_OPTIONS, gzip level and metrics
 * namespace from terraform/), in SnapStart-style execution environments under AWS's runtime interface client, each
 * sized as Lambda sizes the function (its memory, and memory ÷ 1,769 MB of a core; see {@link
 * LambdaExecutionEnvironment}): each takes its snapshot (before-checkpoint hooks, priming), is restored, then gets its
 * role's credentials from the container credentials endpoint. A {@link FunctionUrlFront} hands each request to an
 * idle one.
 */
final class LambdaDoor implements Door {

    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:auditdrain:live";
    private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(120);

    private final ContainerCredentialsEndpoint credentials;
    private final FunctionUrlFront front;
    private final List<Environment> environments;
    private final int count;
    private final String sizing;

    /** One execution environment and its runtime API; closing it (once) keeps its output in the run's directory. */
    private static final class Environment implements FunctionUrlFront.Slot {
        private final LambdaRuntimeApi api;
        private final LambdaExecutionEnvironment process;
        private final Path log;
        private final AtomicBoolean closed = new AtomicBoolean();

        Environment(LambdaRuntimeApi api, LambdaExecutionEnvironment process, Path log) {
            this.api = api;
            this.process = process;
            this.log = log;
        }

        @Override
        public LambdaRuntimeApi api() {
            return api;
        }

        String output() {
            return closed.get() ? "" : process.output();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                Files.writeString(log, process.output());
            } catch (IOException | UncheckedIOException ignored) {
                // the output is a convenience for whoever reads the run's directory
            }
            process.close();
            api.close();
        }
    }

    private LambdaDoor(ContainerCredentialsEndpoint credentials, FunctionUrlFront front,
                       List<Environment> environments, int count, String sizing) {
        this.credentials = credentials;
        this.front = front;
        this.environments = environments;
        this.count = count;
        this.sizing = sizing;
    }

    /**
     * Starts {@code count} environments of {@code receiverJar}, restores them, and puts the front before them.
     *
     * @param receiverEnvironment see {@link Door#receiverEnvironment}
     * @param logDirectory where each environment's output is saved when it stops
     */
    static LambdaDoor start(Path receiverJar, TerraformModule terraform, Map<String, String> receiverEnvironment,
                            int count, Path logDirectory) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_GZIP_LEVEL", terraform.variableDefault("gzip_level"));
        env.put("AUDITDRAIN_METRICS_NAMESPACE", terraform.variableDefault("metrics_namespace"));
        env.put("JAVA_TOOL_OPTIONS", terraform.variableDefault("java_tool_options"));
        env.putAll(receiverEnvironment);
        var function = new LambdaExecutionEnvironment.FunctionConfiguration("auditdrain",
                terraform.attribute("aws_lambda_function", "receiver", "handler"),
                Integer.parseInt(terraform.variableDefault("memory_mb")),
                Duration.ofSeconds(Long.parseLong(terraform.variableDefault("timeout_seconds"))),
                AwsEmulator.REGION, env);
        ContainerCredentialsEndpoint credentials = ContainerCredentialsEndpoint.start(() ->
                new ContainerCredentialsEndpoint.Credentials(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY,
                        "fault-suite-session", Instant.now().plus(Duration.ofHours(6))));
        AtomicInteger numbers = new AtomicInteger();
        List<Environment> started = new CopyOnWriteArrayList<>();
        Supplier<FunctionUrlFront.Slot> starter = () -> {
            Environment environment = restored(receiverJar, function, credentials, numbers.incrementAndGet(),
                    logDirectory);
            started.add(environment);
            return environment;
        };
        List<CompletableFuture<FunctionUrlFront.Slot>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starting.add(CompletableFuture.supplyAsync(starter));
        }
        try {
            List<FunctionUrlFront.Slot> slots = starting.stream().map(CompletableFuture::join).toList();
            FunctionUrlFront front = FunctionUrlFront.start(slots, starter, function.timeout());
            return new LambdaDoor(credentials, front, started, count, started.get(0).process.sizing());
        } catch (RuntimeException e) {
            started.forEach(Environment::close);
            credentials.close();
            throw e;
        }
    }

    private static Environment restored(Path jar, LambdaExecutionEnvironment.FunctionConfiguration function,
                                        ContainerCredentialsEndpoint credentials, int number, Path logDirectory) {
        LambdaRuntimeApi api = LambdaRuntimeApi.start(FUNCTION_ARN);
        LambdaExecutionEnvironment process = LambdaExecutionEnvironment.start(jar, function,
                new LambdaExecutionEnvironment.Credentials.Container(credentials), api, List.of());
        Environment environment = new Environment(api, process,
                logDirectory.resolve("lambda-environment-" + number + ".log"));
        try {
            long deadline = System.nanoTime() + SNAPSHOT_WAIT.toNanos();
            while (!api.awaitCheckpoint(Duration.ofSeconds(1))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String output = process.output();
                    environment.close();
                    throw new IllegalStateException("environment " + number + (process.isAlive() ? " took no snapshot"
                            + " within " + SNAPSHOT_WAIT.toSeconds() + " s" : " exited before its snapshot") + ":\n"
                            + output);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            environment.close();
            throw new IllegalStateException(e);
        }
        api.restore();
        return environment;
    }

    @Override
    public String name() {
        return "lambda";
    }

    @Override
    public String describe() {
        return count + " SnapStart execution environments of receiver/target/auditdrain-receiver.jar under AWS's"
                + " runtime interface client (" + sizing + " each), behind a Function URL front";
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + front.port() + "/logs");
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>(front.counters());
        long requestLines = 0;
        for (Environment environment : environments) {
            requestLines += environment.output().lines()
                    .filter(l -> l.contains("\"event\":\"drain_request\"")).count();
        }
        counters.put("request log lines (drain_request)", requestLines);
        return counters;
    }

    @Override
    public void close() {
        front.close();
        environments.forEach(Environment::close);
        credentials.close();
    }
}
