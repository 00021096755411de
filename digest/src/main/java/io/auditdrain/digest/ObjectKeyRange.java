package io.auditdrain.digest;

import io.auditdrain.core.ObjectKeyLayout;

/**
 * The object keys of one app's interval, as a range of the key order: under {@code prefix} (the interval's day),
 * after {@code after} and before {@code before}. Listing from {@code after} (S3's StartAfter or KeyMarker) and
 * stopping at {@code before} reads exactly these keys.
 */
public record ObjectKeyRange(String prefix, String after, String before) {

    public static ObjectKeyRange of(String app, DigestInterval interval) {
        // The end's start key may lie under the next day's prefix: it still sorts after every key of this day.
        return new ObjectKeyRange(ObjectKeyLayout.dayPrefix(app, interval.day()),
                ObjectKeyLayout.startAfter(app, interval.start()), ObjectKeyLayout.startAfter(app, interval.end()));
    }

    public boolean contains(String key) {
        return key.startsWith(prefix) && key.compareTo(after) > 0 && key.compareTo(before) < 0;
    }
}
