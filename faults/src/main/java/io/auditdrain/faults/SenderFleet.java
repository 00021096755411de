package io.auditdrain.faults;

import io.auditdrain.emulator.DeliveryEvent;
import io.auditdrain.emulator.DrainSender;
import io.auditdrain.emulator.DrainUrl;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Many Logplex drains at once, each one sender sending one batch at a time by Logplex's rules ({@link DrainSender}:
 * an answer awaited {@link #TIMEOUT}, {@link #ATTEMPTS} attempts with the same Frame-Id and {@link #BACKOFF} between
 * them, any 4xx but 429 dropped for good). Half the drains send a Drain-Token and Frame-Id, half send neither, as
 * drains from Heroku Private Spaces do; across both halves, half the drains put an L10 overflow notice in front of
 * every retry, as Logplex does when it dropped lines while the drain was slow. Every attempt is recorded.
 */
final class SenderFleet {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int ATTEMPTS = 3;
    static final Duration BACKOFF = Duration.ofSeconds(1);

    /**
     * One attempt at a batch: the status (0 when no answer came), how long it took, why no answer came, and whether
     * an L10 notice went in front of the batch.
     */
    record Attempt(int status, long nanos, String error, boolean overflowNotice) {
        /** No answer within the sender's wait: Logplex counts the attempt as failed and tries again. */
        boolean late() {
            return status == 0 && nanos >= TIMEOUT.toNanos() - 20_000_000L;
        }

        boolean answered() {
            return status > 0;
        }
    }

    /** What became of one batch. */
    record Delivery(MarkedBatches.Batch batch, List<Attempt> attempts, DeliveryEvent.Outcome outcome) {
        boolean acknowledged() {
            return outcome == DeliveryEvent.Outcome.DELIVERED;
        }
    }

    private SenderFleet() {
    }

    /**
     * Runs {@code senders} drains against {@code endpoint} for {@code duration}; each pauses about {@code pause}
     * between batches. Returns once every batch begun in that time has been delivered or dropped.
     */
    static List<Delivery> run(URI endpoint, String app, String secret, int senders, Duration duration,
                              Duration pause, MarkedBatches batches) throws InterruptedException {
        List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
        long stopAt = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>(senders);
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread thread = new Thread(() -> drain(endpoint, app, secret, sender, stopAt, pause, batches, deliveries),
                    "drain-" + app + "-" + s);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    private static void drain(URI endpoint, String app, String secret, int sender, long stopAt, Duration pause,
                              MarkedBatches batches, List<Delivery> deliveries) {
        Random random = new Random(31L * sender + app.hashCode());
        List<Attempt> attempts = new ArrayList<>();
        String drainToken = sender % 2 == 0 ? "d." + UUID.randomUUID() : null;
        boolean noticesOnRetries = sender / 2 % 2 == 1;
        DrainUrl url = DrainUrl.parse("http://" + app + ":" + secret + "@" + endpoint.getHost() + ":"
                + endpoint.getPort() + endpoint.getPath());
        DrainSender drain = new DrainSender(url, new DrainSender.Settings(ATTEMPTS, BACKOFF, TIMEOUT, "Logplex/v174",
                drainToken), event -> attempts.add(new Attempt(event.status(), event.elapsed().toNanos(),
                event.error(), noticesOnRetries && event.attempt() > 1)));
        try {
            // Senders start spread over one pause, not in lockstep.
            Thread.sleep(random.nextInt((int) Math.max(1, pause.toMillis())));
            while (System.nanoTime() < stopAt) {
                MarkedBatches.Batch batch = batches.next(sender, random);
                attempts.clear();
                DeliveryEvent last = drain.send(batch.logplex(), noticesOnRetries
                        ? b -> b.withOverflowNotice(1 + random.nextInt(500), Instant.now().minusSeconds(30),
                                Instant.now())
                        : UnaryOperator.identity());
                deliveries.add(new Delivery(batch, List.copyOf(attempts), last.outcome()));
                Thread.sleep(pause.toMillis() / 2 + random.nextInt((int) Math.max(1, pause.toMillis())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
