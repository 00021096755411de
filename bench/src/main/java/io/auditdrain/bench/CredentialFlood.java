package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.local.LocalServer;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.FaultProxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * SSM calls per minute of one receiver (one execution environment) under a flood from the public internet, and the
 * real app's success rate meanwhile: the local server over real HTTP, SSM and S3 on moto behind a proxy that counts
 * the signed requests per service. Two floods, each for the given seconds: made-up app names, and wrong secrets for
 * the real app; the real app sends a batch every second throughout.
 *
 * <p>Usage: CredentialFlood SECONDS
 */
public final class CredentialFlood {

    private static final String APP = "real-app";
    private static final String SECRET = "cmVhbC1hcHAtc2VjcmV0LTEyMzQ1Njc4OTAxMjM0NTY3";
    private static final int FLOODERS = 4;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        System.setProperty("aws.accessKeyId", AwsEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", AwsEmulator.SECRET_KEY);
        AwsEmulator emulator = AwsEmulator.shared();
        Supplier<String> madeUp = () -> "flood-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        run("made-up app names; the real app listed in AUDITDRAIN_APPS", seconds, emulator, true, madeUp,
                () -> "whatever");
        run("made-up app names; the real app not listed", seconds, emulator, false, madeUp, () -> "whatever");
        run("wrong secrets for the real app (listed)", seconds, emulator, true,
                () -> APP, () -> "guess-" + ThreadLocalRandom.current().nextInt());
    }

    /** The flood starts first: the real app's first batch reaches an environment that is already flooded. */
    private static void run(String flood, int seconds, AwsEmulator emulator, boolean listed, Supplier<String> app,
                            Supplier<String> secret) throws Exception {
        BenchEmulator.prepare(emulator, "flood-bench", "/bench/apps", APP, SECRET);
        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint());
             Receiver receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                     "AUDITDRAIN_STORE", "s3://flood-bench",
                     "AUDITDRAIN_CREDENTIALS", "ssm:/bench/apps",
                     "AWS_REGION", AwsEmulator.REGION,
                     "AUDITDRAIN_APPS", listed ? APP : "",
                     "AWS_ENDPOINT_URL", proxy.endpoint().toString())), Map.of(),
                     new PrintStream(new ByteArrayOutputStream(), false, UTF_8));
             LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 8)) {
            URI url = URI.create("http://127.0.0.1:" + server.port() + "/logs");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            AtomicBoolean running = new AtomicBoolean(true);
            LongAdder floodRequests = new LongAdder();
            Map<Integer, LongAdder> floodAnswers = new ConcurrentHashMap<>();
            Thread[] flooders = new Thread[FLOODERS];
            for (int i = 0; i < FLOODERS; i++) {
                flooders[i] = new Thread(() -> {
                    while (running.get()) {
                        int status = post(http, url, app.get(), secret.get(), line(0));
                        floodAnswers.computeIfAbsent(status, s -> new LongAdder()).increment();
                        floodRequests.increment();
                    }
                });
                flooders[i].start();
            }
            Thread.sleep(2_000);
            int sent = 0;
            int stored = 0;
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < end) {
                if (post(http, url, APP, SECRET, line(++sent)) == 200) {
                    stored++;
                }
                Thread.sleep(1_000);
            }
            running.set(false);
            for (Thread t : flooders) {
                t.join();
            }
            Map<Integer, Long> answers = new TreeMap<>();
            floodAnswers.forEach((status, count) -> answers.put(status, count.sum()));
            double minutes = seconds / 60.0;
            System.out.printf("flood of %s, %d s, %d concurrent senders:%n", flood, seconds, FLOODERS);
            System.out.printf("  flood requests: %d (%.0f/s), answered %s%n", floodRequests.sum(),
                    floodRequests.sum() / (double) seconds, answers);
            System.out.printf("  SSM calls: %d = %.1f per minute (S3 calls: %d)%n", proxy.requestsTo("ssm"),
                    proxy.requestsTo("ssm") / minutes, proxy.requestsTo("s3"));
            System.out.printf("  the real app: %d of %d batches stored (%.1f%%)%n", stored, sent, 100.0 * stored / sent);
        }
    }

    private static String line(int n) {
        String message = "<190>1 2026-11-26T10:00:00." + String.format("%06d", n) + "+00:00 host app web.1 - n=" + n;
        return (message.length() + 1) + " " + message + "\n";
    }

    private static int post(HttpClient http, URI url, String app, String secret, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((app + ":" + secret)
                        .getBytes(UTF_8)))
                .header("Content-Type", "application/logplex-1")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private CredentialFlood() {
    }
}
