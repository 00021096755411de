package io.auditdrain.bench;

import io.auditdrain.testing.AwsEmulator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start: process CPU seconds and wall time from JVM start to the first stored object through the Lambda
 * handler (configuration, SSM, S3 client, first request), for several JVM option sets, beside a trivial Java
 * process on the same machine. Each figure is the median of fresh JVMs.
 * Run: java -cp bench.jar io.auditdrain.bench.ColdStart RECEIVER_JAR BENCH_THIN_JAR [runs]
 */
public final class ColdStart {

    private static final Pattern CPU = Pattern.compile("COLDSTART cpu_ns=(\\d+) status=(\\d+)");

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        Path receiverJar = Path.of(args[0]).toAbsolutePath();
        Path probeJar = Path.of(args[1]).toAbsolutePath();
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        AwsEmulator emulator = AwsEmulator.shared();
        BenchEmulator.prepare(emulator, "cold-start", "/cold/apps", "cold-app", "cold-secret");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_STORE", "s3://cold-start");
        env.put("AUDITDRAIN_CREDENTIALS", "ssm:/cold/apps");
        env.put("AWS_REGION", AwsEmulator.REGION);
        env.put("AWS_ENDPOINT_URL", emulator.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", AwsEmulator.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", AwsEmulator.SECRET_KEY);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "cold-start-probe");
        String classpath = receiverJar + File.pathSeparator + probeJar;
        Path archive = Files.createTempDirectory("coldstart").resolve("receiver.jsa");

        try {
            double[] trivialCpu = new double[runs];
            double[] trivialWall = new double[runs];
            for (int i = 0; i < runs; i++) {
                double[] r = run(env, List.of(), classpath, "--trivial");
                trivialCpu[i] = r[0];
                trivialWall[i] = r[1];
            }
            double trivial = median(trivialWall);
            System.out.printf("cold start to the first stored object (median of %d fresh JVMs; CPU = the process's"
                    + " user+system time, in 10 ms ticks)%n", runs);
            System.out.printf("  %-52s %5.2f CPU-s %6.0f ms wall%n", "trivial Java process, same classpath (baseline)",
                    median(trivialCpu), trivial);
            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("default JVM options", List.of());
            variants.put("-XX:TieredStopAtLevel=1", List.of("-XX:TieredStopAtLevel=1"));
            variants.put("+ -XX:+UseSerialGC", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
            run(env, List.of("-XX:ArchiveClassesAtExit=" + archive), classpath); // records the AppCDS archive
            variants.put("+ AppCDS archive of the handler's classes", List.of("-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive));
            for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                double[] cpu = new double[runs];
                double[] wall = new double[runs];
                for (int i = 0; i < runs; i++) {
                    double[] r = run(env, variant.getValue(), classpath);
                    cpu[i] = r[0];
                    wall[i] = r[1];
                }
                System.out.printf("  %-52s %5.2f CPU-s %6.0f ms wall  (%.1fx the trivial process's wall time)%n",
                        variant.getKey(), median(cpu), median(wall), median(wall) / trivial);
            }
        } finally {
            Files.deleteIfExists(archive);
            emulator.close();
        }
    }

    /** One cold start: {CPU seconds, wall milliseconds}. */
    private static double[] run(Map<String, String> env, List<String> options, String classpath, String... probeArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(options);
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName()));
        command.addAll(probeArgs.length > 0 ? List.of(probeArgs) : List.of("cold-app", "cold-secret"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        long started = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getInputStream().readAllBytes();
        int exit = p.waitFor();
        double wallMs = (System.nanoTime() - started) / 1e6;
        Matcher m = CPU.matcher(out);
        if (exit != 0 || !m.find() || !m.group(2).equals("200")) {
            throw new IllegalStateException("cold start probe failed (" + exit + "): " + out);
        }
        return new double[] {Long.parseLong(m.group(1)) / 1e9, wallMs};
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
