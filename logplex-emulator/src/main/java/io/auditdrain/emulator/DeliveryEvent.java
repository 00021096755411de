package io.auditdrain.emulator;

import java.time.Duration;

/**
 * What happened to one attempt at sending a batch.
 *
 * @param attempt 1 for the first try
 * @param status the HTTP status, or 0 when no answer came (connection error, timeout)
 * @param error why no answer came; empty when one did
 * @param elapsed how long the attempt took
 */
public record DeliveryEvent(LogplexBatch batch, int attempt, int attempts, int status, String error, Outcome outcome,
                            Duration elapsed) {

    /** What the sender does next, by Logplex's rules. */
    public enum Outcome {
        /** A 2xx answer: the batch is delivered. */
        DELIVERED,
        /** 429, 5xx, another non-4xx answer, a timeout or a connection error, with tries left: sent again. */
        RETRY,
        /** Any 4xx other than 429: dropped for good, never retried. */
        DROPPED_REJECTED,
        /** A retryable failure on the last try: dropped. */
        DROPPED_EXHAUSTED
    }

    public boolean dropped() {
        return outcome == Outcome.DROPPED_REJECTED || outcome == Outcome.DROPPED_EXHAUSTED;
    }

    /** One line for a log: never the body, never a credential. */
    public String describe() {
        String answer = status > 0 ? "status " + status : error;
        String what = "frame " + batch.frameId() + " (" + batch.messageCount() + " messages, " + batch.body().length
                + " bytes) attempt " + attempt + "/" + attempts + ": " + answer + " in " + elapsed.toMillis() + " ms";
        return switch (outcome) {
            case DELIVERED -> "delivered " + what;
            case RETRY -> "retrying " + what;
            case DROPPED_REJECTED -> "dropped (rejected, as Logplex drops a 4xx) " + what;
            case DROPPED_EXHAUSTED -> "dropped (no tries left) " + what;
        };
    }
}
