package io.auditdrain.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The contract between the receiver and every reader of the bucket:
 * {@code logs/<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>.gz}, with {@code epoch_ms} zero-padded to 13 digits so that
 * keys sort by time within a day.
 *
 * <p>The receiver names an object after the newest message it holds. So every object holding a message stamped at
 * or after {@code T} has a key at or after {@link #startAfter(String, Instant) startAfter(app, T)} under the day
 * prefixes from {@code T}'s day onwards, and a reader lists only those keys, never a whole day.
 */
public final class ObjectKeyLayout {

    public static final String ROOT = "logs/";
    public static final String SUFFIX = ".gz";
    /** The largest epoch milliseconds that fit 13 digits (year 2286). */
    public static final long MAX_EPOCH_MILLIS = 9_999_999_999_999L;

    private static final int EPOCH_DIGITS = 13;
    private static final int UUID_LENGTH = 36;

    private ObjectKeyLayout() {
    }

    public static String format(ObjectKey key) {
        StringBuilder sb = new StringBuilder(ROOT.length() + key.app().length() + 12 + EPOCH_DIGITS + 1 + UUID_LENGTH
                + SUFFIX.length());
        appendDayPrefix(sb, key.app(), key.day());
        appendEpoch(sb, key.epochMillis());
        return sb.append('-').append(key.id()).append(SUFFIX).toString();
    }

    /** {@code logs/<app>/<YYYY>/<MM>/<DD>/}: every object of that app stamped on that UTC day. */
    public static String dayPrefix(String app, LocalDate day) {
        StringBuilder sb = new StringBuilder(32);
        appendDayPrefix(sb, AppName.require(app), day);
        return sb.toString();
    }

    /** {@code logs/<app>/}: every object of that app. */
    public static String appPrefix(String app) {
        return ROOT + AppName.require(app) + '/';
    }

    /**
     * A key that sorts just before every key of {@code app} whose time is at or after {@code t} on {@code t}'s UTC
     * day (for S3's {@code StartAfter}).
     */
    public static String startAfter(String app, Instant t) {
        long millis = Math.max(0, t.toEpochMilli());
        StringBuilder sb = new StringBuilder(48);
        appendDayPrefix(sb, AppName.require(app), LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
        appendEpoch(sb, millis);
        return sb.toString();
    }

    /** The UTC days from {@code from}'s to {@code to}'s, inclusive, in order: the day prefixes a reader lists. */
    public static List<LocalDate> days(Instant from, Instant to) {
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(to, ZoneOffset.UTC);
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            days.add(d);
        }
        return days;
    }

    /** Parses a key written by the receiver; throws {@link InvalidObjectKeyException} for anything else. */
    public static ObjectKey parse(String key) {
        if (key == null || !key.startsWith(ROOT) || !key.endsWith(SUFFIX)) {
            throw new InvalidObjectKeyException(key, "must start with " + ROOT + " and end with " + SUFFIX);
        }
        String[] parts = key.substring(ROOT.length(), key.length() - SUFFIX.length()).split("/", -1);
        if (parts.length != 5) {
            throw new InvalidObjectKeyException(key, "must have the form logs/<app>/<YYYY>/<MM>/<DD>/<name>.gz");
        }
        String name = parts[4];
        if (name.length() != EPOCH_DIGITS + 1 + UUID_LENGTH || name.charAt(EPOCH_DIGITS) != '-') {
            throw new InvalidObjectKeyException(key, "file name must be <13-digit epoch_ms>-<uuid>.gz");
        }
        try {
            long millis = Long.parseLong(name, 0, EPOCH_DIGITS, 10);
            UUID id = UUID.fromString(name.substring(EPOCH_DIGITS + 1));
            ObjectKey parsed = new ObjectKey(parts[0], millis, id);
            if (!format(parsed).equals(key)) {
                throw new InvalidObjectKeyException(key, "date path does not match the UTC day of epoch_ms");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidObjectKeyException) {
                throw e;
            }
            throw new InvalidObjectKeyException(key, e.getMessage());
        }
    }

    private static void appendDayPrefix(StringBuilder sb, String app, LocalDate day) {
        sb.append(ROOT).append(app).append('/');
        appendPadded(sb, day.getYear(), 4).append('/');
        appendPadded(sb, day.getMonthValue(), 2).append('/');
        appendPadded(sb, day.getDayOfMonth(), 2).append('/');
    }

    private static void appendEpoch(StringBuilder sb, long millis) {
        if (millis < 0 || millis > MAX_EPOCH_MILLIS) {
            throw new IllegalArgumentException("epoch millis out of the 13-digit range: " + millis);
        }
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
