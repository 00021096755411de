package io.auditdrain.digest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One interval a digest covers, {@code [start, end)} in UTC. Intervals have a fixed length that divides a day (5
 * minutes to 24 hours), so they never cross midnight and each lies in one day's key prefix. An object belongs to
 * the interval that holds its key's time (the newest message it carries, {@code epoch_ms}).
 */
public record DigestInterval(Instant start, Instant end) {

    public static final Duration MIN_LENGTH = Duration.ofMinutes(5);
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    public DigestInterval {
        if (start == null || end == null) {
            throw new IllegalArgumentException("an interval needs a start and an end");
        }
        Duration length = Duration.between(start, end);
        requireValidLength(length);
        if (start.toEpochMilli() % length.toMillis() != 0 || start.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("an interval of " + length + " must start at a multiple of its length"
                    + " from midnight UTC, not at " + start);
        }
    }

    /** The interval of {@code length} that holds {@code t}. */
    public static DigestInterval containing(Instant t, Duration length) {
        requireValidLength(length);
        long millis = length.toMillis();
        long start = Math.floorDiv(t.toEpochMilli(), millis) * millis;
        return new DigestInterval(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + millis));
    }

    /** Throws unless {@code length} is whole minutes, at least 5, dividing a day. */
    public static void requireValidLength(Duration length) {
        if (!isValidLength(length)) {
            throw new IllegalArgumentException("an interval must be whole minutes that divide a day, from 5 minutes"
                    + " to 24 hours (such as 5, 10, 15, 30, 60, 120, 360 or 1440 minutes), not " + length);
        }
    }

    public static boolean isValidLength(Duration length) {
        return length != null && length.compareTo(MIN_LENGTH) >= 0 && length.toMillis() <= DAY_MILLIS
                && length.toMillis() % 60_000 == 0 && DAY_MILLIS % length.toMillis() == 0;
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    public DigestInterval next() {
        return new DigestInterval(end, end.plus(length()));
    }

    public DigestInterval previous() {
        return new DigestInterval(start.minus(length()), start);
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /** The UTC day the interval lies in. */
    public LocalDate day() {
        return LocalDate.ofInstant(start, ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
