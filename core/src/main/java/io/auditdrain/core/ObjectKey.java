package io.auditdrain.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The parts of a stored object's key, {@code logs/<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>.gz}.
 *
 * @param epochMillis the newest message timestamp in the object; the date path is its UTC day
 */
public record ObjectKey(String app, long epochMillis, UUID id) {

    public ObjectKey {
        AppName.require(app);
        if (epochMillis < 0 || epochMillis > ObjectKeyLayout.MAX_EPOCH_MILLIS) {
            throw new IllegalArgumentException("epoch millis out of the 13-digit range: " + epochMillis);
        }
        if (id == null) {
            throw new IllegalArgumentException("id is required");
        }
    }

    public Instant time() {
        return Instant.ofEpochMilli(epochMillis);
    }

    public LocalDate day() {
        return LocalDate.ofInstant(time(), ZoneOffset.UTC);
    }

    /** The S3 key (or relative path) of this object. */
    @Override
    public String toString() {
        return ObjectKeyLayout.format(this);
    }
}
