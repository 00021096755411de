package io.auditdrain.bench;

import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.lambda.ContainerCredentialsEndpoint;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.LambdaCgroup;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TerraformModule;
import io.auditdrain.testing.lambda.TlsEndpointFront;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The receiver as Lambda sizes it, side by side in one run: the shipped jar under AWS's runtime interface client in
 * execution environments with the CPU and memory of each memory size (memory ÷ 1,769 MB of a core, in a cgroup), its
 * AWS calls going to the production endpoint names over TLS (to moto on loopback), measured three ways:
 * <ul>
 *   <li>on-demand cold start: from the runtime's start to the answer of a 100 KB drain POST that arrived at that
 *       start (the Function URL's {@code timeEpoch}), so the whole init counts against the request's 4 s deadline
 *       and Logplex's 5 s wait, as in Lambda;</li>
 *   <li>the first request after a SnapStart restore (hooks, credentials from the container endpoint, SSM read, first
 *       TLS handshakes, PUT);</li>
 *   <li>a request on the warm environment.</li>
 * </ul>
 * CPU is the runtime process's own (the kernel's count); wall time as the Runtime API sees it. The baseline is the same
 * measured unsized (the host's full cores) in the same run. Lambda's own restore of a snapshot's memory comes on top of
 * the restore figure and cannot be measured here.
 *
 * <p>Usage: SizedLambda RECEIVER_JAR RUNS MEMORY_MB...
 */
public final class SizedLambda {

    private static final String APP = "bench-app";
    private static final String SECRET = "bench-secret";
    private static final String BUCKET = "sized-bench";
    private static final String PREFIX = "/bench/apps";
    private static final double LOGPLEX_WAIT_MS = 5_000;

    private record Sample(double coldCpuMs, double coldWallMs, int coldStatus, double restoreCpuMs,
                          double restoreWallMs, double warmCpuMs, double warmWallMs, double maxMemoryMb) {
    }

    private record Figures(String label, double vcpus, List<Sample> samples) {
        double median(ToDoubleFunction<Sample> field) {
            double[] values = samples.stream().mapToDouble(field).sorted().toArray();
            return values.length % 2 == 1 ? values[values.length / 2]
                    : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        }
    }

    private SizedLambda() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (!LambdaCgroup.availability().available()) {
            System.out.println("cgroups are not available here (" + LambdaCgroup.availability().reason()
                    + "): nothing sized to measure");
            return;
        }
        AwsEmulator emulator = AwsEmulator.shared();
        TerraformModule terraform = TerraformModule.at(Path.of("terraform"));
        Optional<TlsEndpointFront> front = TlsEndpointFront.start(List.of(
                TlsEndpointFront.s3Host(BUCKET, AwsEmulator.REGION),
                TlsEndpointFront.serviceHost("ssm", AwsEmulator.REGION)), emulator.endpoint());
        try {
            List<Figures> all = new ArrayList<>();
            all.add(measure("unsized (baseline)", 0, jar, emulator, terraform, front, runs,
                    Integer.parseInt(terraform.variableDefault("memory_mb")), LambdaExecutionEnvironment.Sizing.UNSIZED));
            for (int memory : sizes) {
                all.add(measure(memory + " MB", LambdaCgroup.quotaMicros(memory) / (double) LambdaCgroup.PERIOD_MICROS,
                        jar, emulator, terraform, front, runs, memory, LambdaExecutionEnvironment.Sizing.LAMBDA));
            }
            report(all, runs, front.isPresent());
        } finally {
            front.ifPresent(TlsEndpointFront::close);
        }
    }

    private static Figures measure(String label, double vcpus, Path jar, AwsEmulator emulator,
                                   TerraformModule terraform, Optional<TlsEndpointFront> front, int runs, int memoryMb,
                                   LambdaExecutionEnvironment.Sizing sizing) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            samples.add(once(jar, emulator, terraform, front, memoryMb, sizing, run));
        }
        return new Figures(label, vcpus, samples);
    }

    private static Sample once(Path jar, AwsEmulator emulator, TerraformModule terraform,
                               Optional<TlsEndpointFront> front, int memoryMb, LambdaExecutionEnvironment.Sizing sizing,
                               int run) throws Exception {
        BenchEmulator.prepare(emulator, BUCKET, PREFIX, APP, SECRET);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_STORE", "s3://" + BUCKET);
        env.put("AUDITDRAIN_CREDENTIALS", "ssm:" + PREFIX);
        env.put("AUDITDRAIN_GZIP_LEVEL", terraform.variableDefault("gzip_level"));
        env.put("JAVA_TOOL_OPTIONS", terraform.variableDefault("java_tool_options"));
        if (front.isEmpty()) {
            env.put("AWS_ENDPOINT_URL", emulator.endpoint().toString());
        }
        var function = new LambdaExecutionEnvironment.FunctionConfiguration("auditdrain",
                terraform.attribute("aws_lambda_function", "receiver", "handler"), memoryMb,
                Duration.ofSeconds(Long.parseLong(terraform.variableDefault("timeout_seconds"))), AwsEmulator.REGION,
                env);
        List<String> jvmOptions = front.map(TlsEndpointFront::jvmOptions).orElse(List.of());

        double coldCpu;
        double coldWall;
        int coldStatus;
        try (LambdaRuntimeApi api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:auditdrain")) {
            byte[] body = RealisticTraffic.body(100 * 1024, 1000 + run);
            try (LambdaExecutionEnvironment environment = LambdaExecutionEnvironment.start(jar, function,
                    new LambdaExecutionEnvironment.Credentials.Static(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY,
                            "session-token"), api, jvmOptions, sizing)) {
                // The request arrives as the runtime starts (the package is unzipped by then, as in Lambda).
                long started = System.nanoTime();
                var outcome = api.invoke(FunctionUrlRequest.drainPost(APP, SECRET, body).event(), function.timeout());
                coldWall = (System.nanoTime() - started) / 1e6;
                coldCpu = environment.cpuTime().toNanos() / 1e6;
                coldStatus = status(outcome, environment);
            }
        }

        try (ContainerCredentialsEndpoint credentials = ContainerCredentialsEndpoint.start(() ->
                     new ContainerCredentialsEndpoint.Credentials(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY,
                             "session-token", Instant.now().plus(Duration.ofHours(1))));
             LambdaRuntimeApi api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:auditdrain");
             LambdaExecutionEnvironment environment = LambdaExecutionEnvironment.start(jar, function,
                     new LambdaExecutionEnvironment.Credentials.Container(credentials), api, jvmOptions, sizing)) {
            if (!api.awaitCheckpoint(Duration.ofSeconds(180))) {
                throw new IllegalStateException("no checkpoint: " + environment.output());
            }
            Thread.sleep(500); // let the init phase's background work settle, as a snapshot would freeze it
            double[] first = SnapStartRestore.invoke(api, environment, function.timeout(), 0, true);
            double[] warm = null;
            for (int i = 1; i <= 5; i++) {
                warm = SnapStartRestore.invoke(api, environment, function.timeout(), i, false);
            }
            double maxMemoryMb = environment.maxMemoryUsedBytes().orElse(0) / (1024.0 * 1024.0);
            return new Sample(coldCpu, coldWall, coldStatus, first[0], first[1], warm[0], warm[1], maxMemoryMb);
        }
    }

    private static int status(LambdaRuntimeApi.Outcome outcome, LambdaExecutionEnvironment environment) {
        String response = outcome.responseText();
        if (response == null) {
            throw new IllegalStateException("the function failed: " + outcome.error() + "\n" + environment.output());
        }
        return Integer.parseInt(response.replaceAll("(?s).*\"statusCode\":(\\d+).*", "$1"));
    }

    private static void report(List<Figures> all, int runs, boolean tls) {
        System.out.println();
        Figures baseline = all.get(0);
        System.out.printf("The shipped receiver under AWS's runtime interface client, 100 KB drain POSTs, AWS calls %s;"
                + " median of %d fresh environments per row; CPU = the runtime process's, wall = as the Runtime API"
                + " sees it; (x) = ratio to the unsized baseline of this run; left = what remains of Logplex's 5 s%n",
                tls ? "to the production endpoint names over TLS" : "through an endpoint override (no TLS here)", runs);
        System.out.printf("%-20s %6s | %-40s | %-30s | %-24s | %s%n", "environment", "vCPU",
                "on-demand cold start to the stored object", "first request after restore", "warm request",
                "max memory");
        for (Figures f : all) {
            double coldWall = f.median(Sample::coldWallMs);
            double restoreWall = f.median(Sample::restoreWallMs);
            System.out.printf("%-20s %6s | %5.0f CPU-ms %5.0f ms %-8s %s%-9s | %4.0f CPU-ms %4.0f ms %-9s | %3.0f CPU-ms"
                            + " %3.0f ms %-6s | %4.0f MB%n",
                    f.label(), f.vcpus() == 0 ? "host" : String.format("%.2f", f.vcpus()),
                    f.median(Sample::coldCpuMs), coldWall, ratio(f, baseline, Sample::coldWallMs),
                    "left ", String.format("%.0f ms", LOGPLEX_WAIT_MS - coldWall),
                    f.median(Sample::restoreCpuMs), restoreWall, ratio(f, baseline, Sample::restoreWallMs),
                    f.median(Sample::warmCpuMs), f.median(Sample::warmWallMs), ratio(f, baseline, Sample::warmWallMs),
                    f.median(Sample::maxMemoryMb));
            long notStored = f.samples().stream().filter(s -> s.coldStatus() != 200).count();
            if (notStored > 0) {
                System.out.printf("%-27s   %d of %d cold starts answered %s, not 200: the init left too little of the"
                        + " request's 4 s deadline%n", "", notStored, f.samples().size(),
                        f.samples().stream().map(s -> Integer.toString(s.coldStatus())).distinct().toList());
            }
        }
    }

    private static String ratio(Figures f, Figures baseline, ToDoubleFunction<Sample> field) {
        return f == baseline ? "" : String.format("(%.1fx)", f.median(field) / baseline.median(field));
    }
}
