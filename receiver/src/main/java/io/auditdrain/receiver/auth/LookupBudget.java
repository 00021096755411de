package io.auditdrain.receiver.auth;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket for the credential-store reads that callers can trigger at will (unknown names, refused secrets).
 * It bounds them per execution environment whatever arrives: at most {@code burst} at once, then one per {@code
 * interval}. SSM Parameter Store allows 40 GetParameters per second by default per account and region, shared with
 * everything else in the account; past that it throttles every caller, real apps' refreshes included.
 */
public final class LookupBudget {

    /** Default: 10 at once, then one every 5 s, i.e. at most 22 such reads in a minute per environment. */
    public static final int DEFAULT_BURST = 10;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private final int burst;
    private final long intervalNanos;
    private final LongSupplier clock;
    private double tokens;
    private long refilledAt;

    public LookupBudget(int burst, Duration interval, LongSupplier nanoClock) {
        if (burst < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("burst must be at least 1 and the interval positive");
        }
        this.burst = burst;
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    public static LookupBudget standard() {
        return new LookupBudget(DEFAULT_BURST, DEFAULT_INTERVAL, System::nanoTime);
    }

    /** Takes one read from the budget; false when it is spent. */
    public synchronized boolean tryAcquire() {
        long now = clock.getAsLong();
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + (double) elapsed / intervalNanos);
        }
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Starts full again (after a SnapStart restore, when the clock may have jumped). */
    public synchronized void refill() {
        tokens = burst;
        refilledAt = clock.getAsLong();
    }
}
