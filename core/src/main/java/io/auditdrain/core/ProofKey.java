package io.auditdrain.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The parts of a run record's key, {@code proof/<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>.json}.
 *
 * @param epochMillis when the run started; the date path is its UTC day
 * @param id          the run's own id, so that two runs never share a key
 */
public record ProofKey(String app, long epochMillis, UUID id) {

    public ProofKey {
        AppName.require(app);
        DatedKeyFormat.requireEpoch(epochMillis);
        if (id == null) {
            throw new IllegalArgumentException("id is required");
        }
    }

    /** The key of a run of {@code app} that started at {@code started}, under a fresh random id. */
    public static ProofKey forRun(String app, Instant started) {
        return new ProofKey(app, started.toEpochMilli(), UUID.randomUUID());
    }

    public Instant time() {
        return Instant.ofEpochMilli(epochMillis);
    }

    public LocalDate day() {
        return LocalDate.ofInstant(time(), ZoneOffset.UTC);
    }

    /** The S3 key (or relative path) of this record. */
    @Override
    public String toString() {
        return ProofKeyLayout.format(this);
    }
}
