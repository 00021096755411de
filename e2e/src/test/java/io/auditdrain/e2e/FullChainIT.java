package io.auditdrain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.emulator.DeliveryEvent;
import io.auditdrain.emulator.DeliveryEvent.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise, on one machine: a write by raptor_app goes through PostgreSQL's statement log, Heroku's
 * message format and Logplex's delivery rules (the emulator), the receiver and its store, and the verifier's smoke
 * finds it.
 */
class FullChainIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static DrainChain chain;

    @BeforeAll
    static void startChain() throws Exception {
        chain = DrainChain.start(dir);
    }

    @AfterAll
    static void stopChain() {
        if (chain != null) {
            chain.close();
        }
    }

    /** A delivery attempt of the batch that holds the tracer INSERT. */
    private static Predicate<DeliveryEvent> tracerBatch(Outcome outcome) {
        return e -> e.outcome() == outcome && e.batch().contains("INSERT INTO customer_audit_events")
                && e.batch().contains("pgaudit-smoke-");
    }

    @Test
    void full_chain_passes_with_latency_reported() {
        long started = System.nanoTime();
        VerifierRun run = chain.smoke("30s").assertExit(0, chain.logs());
        assertTrue(run.out().contains("PASS"), run.output());
        assertTrue(run.out().contains("object       logs/" + DrainChain.APP + "/"), run.output());
        assertTrue(run.out().contains("[DATABASE]"), "the line came through the Heroku format: " + run.output());
        String latency = run.latency().orElseThrow(() -> new AssertionError("no latency in " + run.output()));
        System.out.printf("full chain: smoke PASS in %d ms, INSERT-to-object latency %s%n",
                VerifierRun.elapsedSince(started).toMillis(), latency);
    }

    @Test
    void smoke_passes_when_the_receiver_is_down_at_the_insert_and_a_retry_delivers_after_it_restarts()
            throws Exception {
        int before = chain.deliveries().size();
        chain.stopReceiver();
        CompletableFuture<VerifierRun> smoke;
        DeliveryEvent refused;
        try {
            smoke = CompletableFuture.supplyAsync(() -> chain.smoke("60s"));
            CompletableFuture<VerifierRun> running = smoke;
            refused = chain.awaitDelivery(tracerBatch(Outcome.RETRY).and(e -> chain.deliveries().indexOf(e) >= before),
                    WAIT, running::isDone);
            assertEquals(0, refused.status(), "no answer from a stopped receiver: " + refused.describe());
        } finally {
            chain.restartReceiver();
        }
        VerifierRun run = smoke.get(90, TimeUnit.SECONDS).assertExit(0, chain.logs());
        assertTrue(run.out().contains("PASS"), run.output());

        String frameId = refused.batch().frameId();
        DeliveryEvent delivered = chain.awaitDelivery(e -> e.outcome() == Outcome.DELIVERED
                && e.batch().frameId().equals(frameId), WAIT);
        assertTrue(delivered.attempt() >= 2, "delivered by a retry: " + delivered.describe());
        assertTrue(delivered.batch().contains(run.tag().orElseThrow()), "the retried batch held this tracer");
    }

    @Test
    void smoke_exits_1_and_names_statement_logging_when_it_is_off_for_the_role() {
        chain.sql("ALTER ROLE " + DrainChain.APP_ROLE + " SET log_statement = 'none'");
        try {
            VerifierRun run = chain.smoke("5s").assertExit(1, chain.logs());
            assertTrue(run.out().contains("FAIL"), run.output());
            assertTrue(run.out().contains("log_statement = none"), "the likely cause: " + run.output());
        } finally {
            chain.sql("ALTER ROLE " + DrainChain.APP_ROLE + " SET log_statement = 'mod'");
        }
    }
}
