package io.auditdrain.receiver.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.FaultProxy;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The Function URL is public: whatever a flood of made-up app names or wrong secrets sends, the receiver's SSM
 * calls stay within {@link LookupBudget}'s bound, and the real app's batches keep being stored. SSM calls are
 * counted on the wire, by a proxy between the receiver and the SSM API.
 */
class CredentialFloodIT {

    private static final String BUCKET = "flood-test-bucket";
    private static final String SECRET = "cmVhbC1hcHAtc2VjcmV0LTEyMzQ1Njc4OTAxMjM0NTY3";
    private static final Duration FLOOD = Duration.ofSeconds(10);
    /** The burst, one more read every 5 s, and the real app's first read. */
    private static final long MOST_READS = LookupBudget.DEFAULT_BURST
            + FLOOD.toSeconds() / LookupBudget.DEFAULT_INTERVAL.toSeconds() + 1 + 1;

    private final AwsEmulator emulator = AwsEmulator.shared();
    private final S3Client s3 = Drains.s3(emulator);
    private final SsmClient ssm = Drains.ssm(emulator);
    private FaultProxy proxy;
    private Receiver receiver;

    @BeforeEach
    void setUp() {
        emulator.reset();
        s3.createBucket(r -> r.bucket(BUCKET));
        Drains.putSecret(ssm, "real-app", "secret", SECRET);
        proxy = FaultProxy.start(emulator.endpoint());
        receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://" + BUCKET,
                "AUDITDRAIN_CREDENTIALS", "ssm:" + Drains.PREFIX,
                "AUDITDRAIN_APPS", "real-app,another-app",
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", proxy.endpoint().toString())), Map.of(),
                // Discarded: a flood answers millions of requests, whose log lines in memory reached 2 GB (an OOM) here.
                new PrintStream(OutputStream.nullOutputStream(), true, UTF_8));
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        proxy.close();
        s3.close();
        ssm.close();
    }

    @Test
    void a_flood_of_made_up_app_names_stays_within_the_lookup_budget_and_the_real_app_is_stored()
            throws InterruptedException {
        Outcome outcome = flood(() -> post("flood-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36),
                "whatever"));
        assertTrue(outcome.ssmCalls() >= LookupBudget.DEFAULT_BURST, "the proxy counts SSM calls: " + outcome);
        assertTrue(outcome.ssmCalls() <= MOST_READS, "SSM calls: " + outcome);
        assertEquals(outcome.realSent(), outcome.realStored(), "the real app's batches: " + outcome);
        assertTrue(outcome.floodAnswers().stream().allMatch(s -> s == 401 || s == 429), outcome.toString());
    }

    @Test
    void a_flood_of_wrong_secrets_for_the_real_app_stays_within_the_budget_and_its_right_secret_still_works()
            throws InterruptedException {
        Outcome outcome = flood(() -> post("real-app", "guess-" + ThreadLocalRandom.current().nextInt()));
        assertTrue(outcome.ssmCalls() >= 2, "the proxy counts SSM calls: " + outcome);
        assertTrue(outcome.ssmCalls() <= MOST_READS, "SSM calls: " + outcome);
        assertEquals(outcome.realSent(), outcome.realStored(), "the real app's batches: " + outcome);
        assertTrue(outcome.floodAnswers().stream().allMatch(s -> s == 401 || s == 429), outcome.toString());
    }

    record Outcome(long ssmCalls, int floodRequests, Set<Integer> floodAnswers, int realSent, int realStored) {
    }

    /**
     * Two flooding threads for {@link #FLOOD}, and the real app (listed in AUDITDRAIN_APPS, as Terraform lists the
     * deployment's apps) sending a batch every 200 ms from one second into the flood: its first batch reaches a
     * receiver whose lookup budget the flood has already spent.
     */
    private Outcome flood(Supplier<Integer> attack) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger floodRequests = new AtomicInteger();
        Set<Integer> answers = ConcurrentHashMap.newKeySet();
        Thread[] flooders = new Thread[2];
        for (int i = 0; i < flooders.length; i++) {
            flooders[i] = new Thread(() -> {
                while (running.get()) {
                    answers.add(attack.get());
                    floodRequests.incrementAndGet();
                }
            });
            flooders[i].start();
        }
        Thread.sleep(1_000);
        int sent = 0;
        int stored = 0;
        long end = System.nanoTime() + FLOOD.toNanos();
        while (System.nanoTime() < end) {
            String message = "<190>1 2026-11-26T10:00:00." + String.format("%06d", sent) + "+00:00 host app web.1 - n="
                    + sent;
            sent++;
            if (post("real-app", SECRET, (message.length() + 1) + " " + message + "\n") == 200) {
                stored++;
            }
            Thread.sleep(200);
        }
        running.set(false);
        for (Thread t : flooders) {
            t.join();
        }
        return new Outcome(proxy.requestsTo("ssm"), floodRequests.get(), answers, sent, stored);
    }

    private int post(String app, String secret) {
        return post(app, secret, "58 <190>1 2026-11-26T10:00:00.000001+00:00 host app web.1 - flood\n");
    }

    private int post(String app, String secret, String body) {
        DrainRequestHandler handler = receiver.handler();
        return handler.handle(new DrainRequest("POST", "/logs", Map.of("authorization", Drains.basic(app, secret),
                "content-type", "application/logplex-1"), body.getBytes(UTF_8))).status();
    }
}
