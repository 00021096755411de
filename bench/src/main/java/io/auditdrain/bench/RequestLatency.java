package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.local.LocalServer;
import io.auditdrain.testing.AwsEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request latency through the local server to the S3 emulator, for 100 KB batches: p50 and p99 as the client sees
 * them, and the part of the server's time spent outside the S3 call (the request log's durationMs minus storeMs).
 * Run: java -cp bench.jar io.auditdrain.bench.RequestLatency [requests]
 */
public final class RequestLatency {

    private static final Pattern DURATION = Pattern.compile("\"durationMs\":([0-9.]+)");
    private static final Pattern STORE = Pattern.compile("\"storeMs\":([0-9.]+)");

    private RequestLatency() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int warmup = Math.max(20, requests / 5);
        System.setProperty("aws.accessKeyId", AwsEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", AwsEmulator.SECRET_KEY);
        AwsEmulator emulator = AwsEmulator.shared();
        BenchEmulator.prepare(emulator, "latency-bench", "/bench/apps", "bench-app", "bench-secret");
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        Receiver receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://latency-bench",
                "AUDITDRAIN_CREDENTIALS", "ssm:/bench/apps",
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", emulator.endpoint().toString())), System.getenv(),
                new PrintStream(logBytes, true, UTF_8));
        try (LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 4)) {
            URI url = URI.create("http://127.0.0.1:" + server.port() + "/logs");
            String auth = "Basic " + Base64.getEncoder().encodeToString("bench-app:bench-secret".getBytes(UTF_8));
            HttpClient http = HttpClient.newHttpClient();
            double[] client = new double[requests];
            for (int i = 0; i < warmup + requests; i++) {
                byte[] body = RealisticTraffic.body(100 * 1024, i);
                HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", auth)
                        .header("Content-Type", "application/logplex-1")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                long started = System.nanoTime();
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                double millis = (System.nanoTime() - started) / 1e6;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("request " + i + " answered " + response.statusCode());
                }
                if (i >= warmup) {
                    client[i - warmup] = millis;
                }
            }
            List<Double> duration = new ArrayList<>();
            List<Double> outside = new ArrayList<>();
            List<Double> store = new ArrayList<>();
            String[] lines = logBytes.toString(UTF_8).split("\n");
            for (int i = warmup; i < lines.length; i++) {
                double d = number(DURATION, lines[i]);
                double s = number(STORE, lines[i]);
                duration.add(d);
                store.add(s);
                outside.add(d - s);
            }
            System.out.printf("request latency, %d requests of 100 KB (after %d warm-up), local server -> S3 emulator%n",
                    requests, warmup);
            report("client round trip", Arrays.stream(client).boxed().toList());
            report("server handling", duration);
            report("  of which S3 PutObject", store);
            report("  outside the S3 call", outside);
        } finally {
            receiver.close();
            emulator.close();
        }
    }

    private static double number(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in " + line);
        }
        return Double.parseDouble(m.group(1));
    }

    static void report(String what, List<Double> millis) {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("  %-26s p50 %7.2f ms   p99 %7.2f ms%n", what, percentile(sorted, 50), percentile(sorted, 99));
    }

    static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
