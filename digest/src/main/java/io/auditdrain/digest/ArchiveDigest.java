package io.auditdrain.digest;

import io.auditdrain.core.AppName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a digest says about one app's interval (docs/digest-format.md): every object whose key time lies in the
 * interval, the objects of earlier intervals that arrived after their own digest was written (late objects), and
 * the link to the previous digest of the app's chain.
 *
 * @param created    when the digester wrote it
 * @param grace      how long after the interval's end the digester waited before listing it
 * @param lateWindow how far back the digester looks for late objects
 * @param previous   the previous digest of the chain; null only for the first digest of an app
 */
public record ArchiveDigest(String app, String key, DigestInterval interval, Instant created, Duration grace,
                            Duration lateWindow, DigestLink previous, List<DigestEntry> objects,
                            List<DigestEntry> lateObjects) {

    /** The format this code writes and reads; a reader refuses any other. */
    public static final String FORMAT = "auditdrain-digest/1";

    public ArchiveDigest {
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
        objects = List.copyOf(objects);
        lateObjects = List.copyOf(lateObjects);
    }
}
