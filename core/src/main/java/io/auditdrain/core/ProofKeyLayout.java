package io.auditdrain.core;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Where the scheduled verification keeps one record per run: {@code proof/<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>.json},
 * beside {@code logs/} and {@code digests/}, never under them. {@code epoch_ms} is the run's start, zero-padded to 13
 * digits, so that the records of an app sort by time and a reader of a period lists from its start onwards
 * ({@link #startAfter}), as for drained objects ({@link ObjectKeyLayout}). The record's format is
 * docs/proof-records.md.
 */
public final class ProofKeyLayout {

    public static final String ROOT = "proof/";
    public static final String SUFFIX = ".json";

    /** The key shape of run records, for code that treats every dated key of an app alike (the digests). */
    public static final DatedKeyFormat FORMAT = new DatedKeyFormat(ROOT, SUFFIX);

    private ProofKeyLayout() {
    }

    public static String format(ProofKey key) {
        return FORMAT.format(key.app(), key.epochMillis(), key.id());
    }

    /** {@code proof/<app>/<YYYY>/<MM>/<DD>/}: the records of the runs that started on that UTC day. */
    public static String dayPrefix(String app, LocalDate day) {
        return FORMAT.dayPrefix(app, day);
    }

    /** {@code proof/<app>/}: every record of that app. */
    public static String appPrefix(String app) {
        return FORMAT.appPrefix(app);
    }

    /**
     * A key that sorts just before every record of {@code app} whose run started at or after {@code t} on
     * {@code t}'s UTC day (for S3's {@code StartAfter}).
     */
    public static String startAfter(String app, Instant t) {
        return FORMAT.startAfter(app, t);
    }

    /** Parses a record's key; throws {@link InvalidObjectKeyException} for anything else. */
    public static ProofKey parse(String key) {
        DatedKeyFormat.Parts parts = FORMAT.parse(key);
        return new ProofKey(parts.app(), parts.epochMillis(), parts.id());
    }

    public static boolean isProofKey(String key) {
        try {
            parse(key);
            return true;
        } catch (InvalidObjectKeyException e) {
            return false;
        }
    }
}
