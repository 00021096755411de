package io.auditdrain.receiver.ingest;

import io.auditdrain.receiver.Deadline;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the health path answers: whether a drain POST would be stored now. A receiver that answers every POST with
 * 503 must not report healthy, so the check tries what a request needs (the store takes a write, the credential
 * store answers a read), but cheaply: a probe that passed within {@link #FRESH_FOR} is trusted, so however often the
 * public health path is called, it costs at most one store call and one credential read per that interval.
 */
public final class Readiness {

    static final Duration FRESH_FOR = Duration.ofSeconds(30);
    static final Duration PROBE_BUDGET = Duration.ofSeconds(3);

    /** A dependency a request needs, checked by doing a harmless instance of what a request does with it. */
    @FunctionalInterface
    public interface Probe {
        /** Throws, with a reason for the log, when the dependency cannot be used. */
        void check(Deadline deadline);
    }

    /** The answer: ready, or what is not (for the log; the health body stays generic). */
    public record State(boolean ready, String problem) {
    }

    private final Probe store;
    private final Probe credentials;
    private final LongSupplier clock;
    private State last;
    private long checkedAt;

    public Readiness(Probe store, Probe credentials, LongSupplier nanoClock) {
        this.store = store;
        this.credentials = credentials;
        this.clock = nanoClock;
    }

    /** Always ready: for handlers built without dependencies to check. */
    public static Readiness assumed() {
        return new Readiness(d -> { }, d -> { }, System::nanoTime);
    }

    public synchronized State check() {
        long now = clock.getAsLong();
        if (last != null && now - checkedAt < FRESH_FOR.toNanos()) {
            return last;
        }
        Deadline deadline = Deadline.after(PROBE_BUDGET);
        String problem = null;
        try {
            store.check(deadline);
        } catch (RuntimeException e) {
            problem = "store: " + e.getMessage();
        }
        try {
            credentials.check(deadline);
        } catch (RuntimeException e) {
            problem = (problem == null ? "" : problem + "; ") + "credentials: " + e.getMessage();
        }
        last = new State(problem == null, problem);
        checkedAt = now;
        return last;
    }
}
