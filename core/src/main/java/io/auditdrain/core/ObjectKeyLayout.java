package io.auditdrain.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

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
    public static final long MAX_EPOCH_MILLIS = DatedKeyFormat.MAX_EPOCH_MILLIS;

    /** The key shape of drained objects, for code that treats every dated key of an app alike (the digests). */
    public static final DatedKeyFormat FORMAT = new DatedKeyFormat(ROOT, SUFFIX);

    private ObjectKeyLayout() {
    }

    public static String format(ObjectKey key) {
        return FORMAT.format(key.app(), key.epochMillis(), key.id());
    }

    /** {@code logs/<app>/<YYYY>/<MM>/<DD>/}: every object of that app stamped on that UTC day. */
    public static String dayPrefix(String app, LocalDate day) {
        return FORMAT.dayPrefix(app, day);
    }

    /** {@code logs/<app>/}: every object of that app. */
    public static String appPrefix(String app) {
        return FORMAT.appPrefix(app);
    }

    /**
     * A key that sorts just before every key of {@code app} whose time is at or after {@code t} on {@code t}'s UTC
     * day (for S3's {@code StartAfter}).
     */
    public static String startAfter(String app, Instant t) {
        return FORMAT.startAfter(app, t);
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
        DatedKeyFormat.Parts parts = FORMAT.parse(key);
        return new ObjectKey(parts.app(), parts.epochMillis(), parts.id());
    }
}
