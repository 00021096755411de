package io.auditdrain.bench;

import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.lambda.ContainerCredentialsEndpoint;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TerraformModule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first request after a SnapStart restore, against a request on a warm environment: the shipped jar under AWS's
 * runtime interface client in a SnapStart-style environment (container credentials), before-checkpoint hooks, the
 * restore, then a 100 KB drain POST through SSM and S3 on moto, then more on the same environment. CPU time is the
 * function process's own (the kernel's count), wall time is the invocation's as the runtime API sees it. Run with
 * the SDK primed before the snapshot (as shipped) and without (-Dauditdrain.prime=false), each in fresh environments.
 *
 * <p>What this cannot show: a real snapshot restores the JVM's memory from disk (CRIU-like), so Lambda's own restore
 * time comes on top; the JIT state and loaded classes carried over are what this measures, in the same JVM.
 *
 * <p>Usage: SnapStartRestore RECEIVER_JAR RUNS
 */
public final class SnapStartRestore {

    private static final String APP = "bench-app";
    private static final String SECRET = "bench-secret";

    private record Sample(double firstCpuMs, double firstWallMs, double warmCpuMs, double warmWallMs) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        AwsEmulator emulator = AwsEmulator.shared();
        TerraformModule terraform = TerraformModule.at(Path.of("terraform"));
        for (boolean primed : new boolean[] {true, false}) {
            List<Sample> samples = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                samples.add(once(jar, emulator, terraform, primed));
            }
            System.out.printf("%s (median of %d fresh environments):%n", primed
                    ? "SDK primed before the snapshot (as shipped)" : "SDK not primed (-Dauditdrain.prime=false)", runs);
            System.out.printf("  first request after the restore: %6.0f CPU-ms  %6.0f ms wall%n",
                    median(samples, Sample::firstCpuMs), median(samples, Sample::firstWallMs));
            System.out.printf("  request on the warm environment: %6.0f CPU-ms  %6.0f ms wall%n",
                    median(samples, Sample::warmCpuMs), median(samples, Sample::warmWallMs));
            System.out.printf("  ratio first / warm: %.1fx CPU, %.1fx wall%n",
                    median(samples, Sample::firstCpuMs) / median(samples, Sample::warmCpuMs),
                    median(samples, Sample::firstWallMs) / median(samples, Sample::warmWallMs));
        }
    }

    private static Sample once(Path jar, AwsEmulator emulator, TerraformModule terraform, boolean primed)
            throws Exception {
        BenchEmulator.prepare(emulator, "restore-bench", "/bench/apps", APP, SECRET);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_STORE", "s3://restore-bench");
        env.put("AUDITDRAIN_CREDENTIALS", "ssm:/bench/apps");
        env.put("JAVA_TOOL_OPTIONS", terraform.variableDefault("java_tool_options"));
        env.put("AWS_ENDPOINT_URL", emulator.endpoint().toString());
        var function = new LambdaExecutionEnvironment.FunctionConfiguration("auditdrain",
                terraform.attribute("aws_lambda_function", "receiver", "handler"),
                Integer.parseInt(terraform.variableDefault("memory_mb")),
                Duration.ofSeconds(Long.parseLong(terraform.variableDefault("timeout_seconds"))), AwsEmulator.REGION, env);
        try (ContainerCredentialsEndpoint credentials = ContainerCredentialsEndpoint.start(() ->
                     new ContainerCredentialsEndpoint.Credentials(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY,
                             "session-token", Instant.now().plus(Duration.ofHours(1))));
             LambdaRuntimeApi api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:auditdrain");
             LambdaExecutionEnvironment environment = LambdaExecutionEnvironment.start(jar, function,
                     new LambdaExecutionEnvironment.Credentials.Container(credentials), api,
                     primed ? List.of() : List.of("-Dauditdrain.prime=false"))) {
            if (!api.awaitCheckpoint(Duration.ofSeconds(120))) {
                throw new IllegalStateException("no checkpoint: " + environment.output());
            }
            Thread.sleep(500); // let the init phase's background work settle, as a snapshot would freeze it
            double[] first = invoke(api, environment, function.timeout(), 0, true);
            double[] warm = null;
            for (int i = 1; i <= 5; i++) {
                warm = invoke(api, environment, function.timeout(), i, false);
            }
            return new Sample(first[0], first[1], warm[0], warm[1]);
        }
    }

    /** One drain POST of about 100 KB, stored; its CPU-ms and wall ms (restoring the environment first if asked). */
    static double[] invoke(LambdaRuntimeApi api, LambdaExecutionEnvironment environment, Duration timeout,
                                   int seed, boolean restoreFirst) throws Exception {
        byte[] event = FunctionUrlRequest.drainPost(APP, SECRET, RealisticTraffic.body(100 * 1024, seed)).event();
        long cpu = environment.cpuTime().toNanos();
        long started = System.nanoTime();
        if (restoreFirst) {
            api.restore();
        }
        var outcome = api.invoke(event, timeout);
        long wall = System.nanoTime() - started;
        long cpuUsed = environment.cpuTime().toNanos() - cpu;
        String response = outcome.responseText();
        if (response == null || !response.contains("\"statusCode\":200")) {
            throw new IllegalStateException("not stored: " + response + " " + outcome.error() + "\n"
                    + environment.output());
        }
        return new double[] {cpuUsed / 1e6, wall / 1e6};
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        double[] values = samples.stream().mapToDouble(field).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private SnapStartRestore() {
    }
}
