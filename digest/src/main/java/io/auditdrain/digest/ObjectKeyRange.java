package io.auditdrain.digest;

import io.auditdrain.core.DatedKeyFormat;
import io.auditdrain.core.ObjectKeyLayout;

/**
 * The object keys of one app's interval, as a range of the key order: under {@code prefix} (the interval's day),
 * after {@code after} and before {@code before}. Listing from {@code after} (S3's StartAfter or KeyMarker) and
 * stopping at {@code before} reads exactly these keys.
 */
public record ObjectKeyRange(String prefix, String after, String before) {

    public static ObjectKeyRange of(String app, DigestInterval interval) {
        return of(ObjectKeyLayout.FORMAT, app, interval);
    }

    /** The keys of {@code format} (drained objects or run records) of one app's interval. */
    public static ObjectKeyRange of(DatedKeyFormat format, String app, DigestInterval interval) {
        // The end's start key may lie under the next day's prefix: it still sorts after every key of this day.
        return new ObjectKeyRange(format.dayPrefix(app, interval.day()), format.startAfter(app, interval.start()),
                format.startAfter(app, interval.end()));
    }

    /**
     * The longest prefix that every key of the range shares: a range of one interval narrows to a few digits of its
     * time, so listing under it reads little more than the range (a KeyMarker would say the same, but moto drops the
     * first version after a KeyMarker that is not a key itself).
     */
    public String listingPrefix() {
        return listingPrefix(prefix, after, before);
    }

    /** The longest prefix shared by {@code after} and {@code before}, or {@code prefix} when that is longer. */
    public static String listingPrefix(String prefix, String after, String before) {
        int n = 0;
        while (n < after.length() && n < before.length() && after.charAt(n) == before.charAt(n)) {
            n++;
        }
        String common = after.substring(0, n);
        return common.startsWith(prefix) ? common : prefix;
    }

    public boolean contains(String key) {
        return key.startsWith(prefix) && key.compareTo(after) > 0 && key.compareTo(before) < 0;
    }
}
