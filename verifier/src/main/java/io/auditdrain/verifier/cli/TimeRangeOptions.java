package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.ConfigurationException;
import java.time.Clock;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The time range a command looks at: {@code --from}, {@code --to} (exclusive; now by default). */
public final class TimeRangeOptions {

    @Option(names = "--from", paramLabel = "TIME", required = true, converter = TimeConverter.class,
            description = "Start of the range: a UTC day (2026-03-14) or a time with its zone (2026-03-14T13:00Z).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeConverter.class,
            description = "End of the range, exclusive (default: now).")
    Instant to;

    public Instant from() {
        return from;
    }

    /** {@code --to}, or now; refuses a range that is empty. */
    public Instant to(Clock clock) {
        Instant end = to != null ? to : clock.instant();
        if (!from.isBefore(end)) {
            throw new ConfigurationException("--from (" + from + ") must be before --to (" + end + ")");
        }
        return end;
    }
}
