package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.Durations;
import java.time.Duration;
import java.util.Optional;

/** Says when a long run is due to report progress again (on stderr), and how long it has run. */
final class ProgressTimer {

    private final long every;
    private final long started = System.nanoTime();
    private long last = started;

    ProgressTimer(Duration every) {
        this.every = every.toNanos();
    }

    /** The elapsed time ({@code 1m}, {@code 40s}) when a report is due, and from then on the next one's wait. */
    Optional<String> due() {
        long now = System.nanoTime();
        if (now - last < every) {
            return Optional.empty();
        }
        last = now;
        return Optional.of(Durations.format(Duration.ofSeconds(Duration.ofNanos(now - started).toSeconds())));
    }
}
