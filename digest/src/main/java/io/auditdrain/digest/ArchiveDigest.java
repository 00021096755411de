package io.auditdrain.digest;

import io.auditdrain.core.AppName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a digest says about one app's interval (docs/digest-format.md): every version written under a key whose time
 * lies in the interval and every delete marker placed there, the versions of earlier intervals that arrived after
 * their own digest was written (late objects), the link to the previous digest of the app's chain, and the
 * intervals that link skips because their digests were tampered with.
 *
 * @param format     {@link #FORMAT}, or {@link #FORMAT_1} for a digest of the first format (read, never written)
 * @param created    when the digester wrote it
 * @param grace      how long after the interval's end the digester waited before listing it
 * @param lateWindow how far back the digester looks for late objects
 * @param previous   the previous digest of the chain; null only for the first digest of an app
 * @param gap        the intervals between {@code previous} and this one (empty when it follows it directly)
 * @param objects    every version of the interval's keys, current or not, in key order, oldest first per key
 * @param deleted    every delete marker of the interval's keys, in key order
 */
public record ArchiveDigest(String format, String app, String key, DigestInterval interval, Instant created,
                            Duration grace, Duration lateWindow, DigestLink previous, List<DigestGap> gap,
                            List<DigestEntry> objects, List<DeleteMarker> deleted, List<DigestEntry> lateObjects) {

    /** The format this code writes. */
    public static final String FORMAT = "auditdrain-digest/2";
    /** The first format, still read: current versions only, no delete markers, no gaps. */
    public static final String FORMAT_1 = "auditdrain-digest/1";

    /** A digest of the current format. */
    public ArchiveDigest(String app, String key, DigestInterval interval, Instant created, Duration grace,
                         Duration lateWindow, DigestLink previous, List<DigestGap> gap, List<DigestEntry> objects,
                         List<DeleteMarker> deleted, List<DigestEntry> lateObjects) {
        this(FORMAT, app, key, interval, created, grace, lateWindow, previous, gap, objects, deleted, lateObjects);
    }

    public ArchiveDigest {
        if (!FORMAT.equals(format) && !FORMAT_1.equals(format)) {
            throw new IllegalArgumentException("format " + format + " is not " + FORMAT + " or " + FORMAT_1);
        }
        AppName.require(app);
        if (interval == null || created == null || grace == null || lateWindow == null) {
            throw new IllegalArgumentException("a digest needs its interval, creation time, grace and late window");
        }
        if (!DigestLayout.key(app, interval.start()).equals(key)) {
            throw new IllegalArgumentException("digest key " + key + " is not the key of " + app + "'s interval "
                    + interval + " (" + DigestLayout.key(app, interval.start()) + ")");
        }
        if (grace.isNegative() || lateWindow.isNegative()) {
            throw new IllegalArgumentException("grace and late window must not be negative");
        }
        gap = List.copyOf(gap);
        objects = List.copyOf(objects);
        deleted = List.copyOf(deleted);
        lateObjects = List.copyOf(lateObjects);
        if (FORMAT_1.equals(format) && (!gap.isEmpty() || !deleted.isEmpty())) {
            throw new IllegalArgumentException(FORMAT_1 + " has no gaps and no delete markers");
        }
    }
}
