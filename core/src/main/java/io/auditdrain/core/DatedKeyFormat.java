package io.auditdrain.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The shape every time-ordered key of the bucket shares, {@code <root><app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid><suffix>}
 * with {@code epoch_ms} zero-padded to 13 digits, so that keys sort by time within an app and a reader lists from a
 * point in time onwards ({@link #startAfter}) instead of a whole day. {@link ObjectKeyLayout} (drained objects) and
 * {@link ProofKeyLayout} (the scheduled verification's run records) are its two instances
 * ({@link ObjectKeyLayout#FORMAT}, {@link ProofKeyLayout#FORMAT}), and the digests cover both.
 */
public final class DatedKeyFormat {

    /** The largest epoch milliseconds that fit 13 digits (year 2286). */
    static final long MAX_EPOCH_MILLIS = 9_999_999_999_999L;

    private static final int EPOCH_DIGITS = 13;
    private static final int UUID_LENGTH = 36;

    /** The parts of a parsed key. */
    public record Parts(String app, long epochMillis, UUID id) {
        public Instant time() {
            return Instant.ofEpochMilli(epochMillis);
        }
    }

    private final String root;
    private final String suffix;

    DatedKeyFormat(String root, String suffix) {
        this.root = root;
        this.suffix = suffix;
    }

    /** {@code logs/} or {@code proof/}: the top-level folder of the bucket these keys live under. */
    public String root() {
        return root;
    }

    public String format(String app, long epochMillis, UUID id) {
        StringBuilder sb = new StringBuilder(root.length() + app.length() + 12 + EPOCH_DIGITS + 1 + UUID_LENGTH
                + suffix.length());
        appendDayPrefix(sb, app, LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
        appendEpoch(sb, epochMillis);
        return sb.append('-').append(id).append(suffix).toString();
    }

    public String dayPrefix(String app, LocalDate day) {
        StringBuilder sb = new StringBuilder(32);
        appendDayPrefix(sb, AppName.require(app), day);
        return sb.toString();
    }

    public String appPrefix(String app) {
        return root + AppName.require(app) + '/';
    }

    public String startAfter(String app, Instant t) {
        long millis = Math.max(0, t.toEpochMilli());
        StringBuilder sb = new StringBuilder(48);
        appendDayPrefix(sb, AppName.require(app), LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
        appendEpoch(sb, millis);
        return sb.toString();
    }

    /** Parses a key of this format; throws {@link InvalidObjectKeyException} for anything else. */
    public Parts parse(String key) {
        if (key == null || !key.startsWith(root) || !key.endsWith(suffix)) {
            throw new InvalidObjectKeyException(key, "must start with " + root + " and end with " + suffix);
        }
        String[] parts = key.substring(root.length(), key.length() - suffix.length()).split("/", -1);
        if (parts.length != 5) {
            throw new InvalidObjectKeyException(key, "must have the form " + root + "<app>/<YYYY>/<MM>/<DD>/<name>"
                    + suffix);
        }
        String name = parts[4];
        if (name.length() != EPOCH_DIGITS + 1 + UUID_LENGTH || name.charAt(EPOCH_DIGITS) != '-') {
            throw new InvalidObjectKeyException(key, "file name must be <13-digit epoch_ms>-<uuid>" + suffix);
        }
        try {
            long millis = Long.parseLong(name, 0, EPOCH_DIGITS, 10);
            UUID id = UUID.fromString(name.substring(EPOCH_DIGITS + 1));
            String app = AppName.require(parts[0]);
            requireEpoch(millis);
            if (!format(app, millis, id).equals(key)) {
                throw new InvalidObjectKeyException(key, "date path does not match the UTC day of epoch_ms");
            }
            return new Parts(app, millis, id);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidObjectKeyException) {
                throw e;
            }
            throw new InvalidObjectKeyException(key, e.getMessage());
        }
    }

    /** The time of {@code key} when it is a key of this format for {@code app}; null for any other name. */
    public Instant timeOf(String app, String key) {
        try {
            Parts parts = parse(key);
            return parts.app().equals(app) ? parts.time() : null;
        } catch (InvalidObjectKeyException e) {
            return null;
        }
    }

    static void requireEpoch(long millis) {
        if (millis < 0 || millis > MAX_EPOCH_MILLIS) {
            throw new IllegalArgumentException("epoch millis out of the 13-digit range: " + millis);
        }
    }

    private void appendDayPrefix(StringBuilder sb, String app, LocalDate day) {
        sb.append(root).append(app).append('/');
        appendPadded(sb, day.getYear(), 4).append('/');
        appendPadded(sb, day.getMonthValue(), 2).append('/');
        appendPadded(sb, day.getDayOfMonth(), 2).append('/');
    }

    private static void appendEpoch(StringBuilder sb, long millis) {
        requireEpoch(millis);
        appendPadded(sb, millis, EPOCH_DIGITS);
    }

    private static StringBuilder appendPadded(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }
}
