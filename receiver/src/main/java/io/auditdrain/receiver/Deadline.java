package io.auditdrain.receiver;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The moment by which a request must be answered. Logplex waits about 5 s for a response and then retries, and
 * Lambda stops a function at its timeout without an answer at all; so one deadline per request covers everything it
 * waits on (the credential read, every PUT, the SDK's retries), and each call gets only what is left of it.
 */
public final class Deadline {

    /**
     * How long a request may take from its arrival: below Logplex's 5 s, leaving room for the network between
     * Heroku and AWS and for writing the answer.
     */
    public static final Duration REQUEST_BUDGET = Duration.ofMillis(4_000);

    /** The least a request gets, however long it waited before it reached the handler. */
    public static final Duration LEAST_BUDGET = Duration.ofMillis(1_000);

    /** A call with less than this left is not started: it could not finish, and the batch is retried anyway. */
    public static final Duration MINIMUM_CALL = Duration.ofMillis(50);

    private final long expiresAtNanos;
    private final LongSupplier nanoClock;

    private Deadline(long expiresAtNanos, LongSupplier nanoClock) {
        this.expiresAtNanos = expiresAtNanos;
        this.nanoClock = nanoClock;
    }

    /** {@code budget} from now. */
    public static Deadline after(Duration budget) {
        return after(budget, System::nanoTime);
    }

    public static Deadline after(Duration budget, LongSupplier nanoClock) {
        return new Deadline(nanoClock.getAsLong() + budget.toNanos(), nanoClock);
    }

    /**
     * The request budget counted from when the request arrived at the front door ({@code arrivedEpochMillis}, wall
     * clock), e.g. a Function URL's {@code requestContext.timeEpoch}: time spent before the handler runs (a SnapStart
     * restore, say) is time Logplex has already waited. At least {@link #LEAST_BUDGET} is always left, so that a skewed
     * clock can never make every request fail; an arrival in the future counts as now.
     */
    public static Deadline forArrival(long arrivedEpochMillis, long nowEpochMillis) {
        return afterWaiting(Duration.ofMillis(nowEpochMillis - arrivedEpochMillis));
    }

    /**
     * The request budget less what the request has {@code waited} already (for a worker, say), and at least
     * {@link #LEAST_BUDGET}; a negative wait counts as none.
     */
    public static Deadline afterWaiting(Duration waited) {
        long waitedMillis = Math.max(0, waited.toMillis());
        long budgetMillis = Math.max(REQUEST_BUDGET.toMillis() - waitedMillis, LEAST_BUDGET.toMillis());
        return after(Duration.ofMillis(budgetMillis));
    }

    /** The earlier of the two. */
    public Deadline atMost(Deadline other) {
        return other.expiresAtNanos - expiresAtNanos < 0 ? other : this;
    }

    /** Time left; zero or negative once passed. */
    public Duration remaining() {
        return Duration.ofNanos(expiresAtNanos - nanoClock.getAsLong());
    }

    /** True when a call started now would have less than {@link #MINIMUM_CALL}. */
    public boolean tooCloseForACall() {
        return remaining().compareTo(MINIMUM_CALL) < 0;
    }

    @Override
    public String toString() {
        return "Deadline[" + remaining().toMillis() + " ms left]";
    }
}
