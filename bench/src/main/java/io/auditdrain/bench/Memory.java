package io.auditdrain.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peak heap of a request of the largest body Lambda delivers (4.7 MB) through the Lambda handler, in JVMs whose heap is what a 256 MB function gets and
 * less, to show the margin. Run: java -cp bench.jar io.auditdrain.bench.Memory RECEIVER_JAR BENCH_THIN_JAR
 */
public final class Memory {

    private static final Pattern RESULT = Pattern.compile(
            "PEAKHEAP body=(\\d+) event=(\\d+) before=(\\d+) peak=(\\d+) max=(\\d+) status=(\\d+)");

    private Memory() {
    }

    public static void main(String[] args) throws Exception {
        String classpath = Path.of(args[0]).toAbsolutePath() + File.pathSeparator + Path.of(args[1]).toAbsolutePath();
        Path dir = Files.createTempDirectory("peak-heap");
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, "heap-app=heap-secret\n");
        System.out.println("peak heap of one 4.7 MB request (the largest body Lambda delivers) through the Lambda handler (directory store)");
        // A 256 MB Lambda function gives the JVM a heap of roughly 200 MB (the runtime's default max heap).
        for (String heap : List.of("200m", "96m", "64m")) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    PeakHeapProbe.class.getName());
            pb.environment().put("AUDITDRAIN_STORE", "file:" + dir.resolve("store"));
            pb.environment().put("AUDITDRAIN_CREDENTIALS", "file:" + credentials);
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            Matcher m = RESULT.matcher(out);
            if (exit != 0 || !m.find()) {
                System.out.printf("  -Xmx%-5s failed (exit %d): %s%n", heap, exit,
                        out.lines().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst().orElse(""));
                continue;
            }
            System.out.printf("  -Xmx%-5s body %.1f MB (event %.1f MB): peak heap %.1f MB (%.1f MB before the request),"
                            + " status %s%n", heap, mb(m.group(1)), mb(m.group(2)), mb(m.group(4)), mb(m.group(3)),
                    m.group(6));
        }
    }

    private static double mb(String bytes) {
        return Long.parseLong(bytes) / (1024.0 * 1024.0);
    }
}
