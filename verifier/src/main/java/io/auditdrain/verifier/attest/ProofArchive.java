package io.auditdrain.verifier.attest;

import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.verifier.store.ArchiveReadException;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.S3ArchiveReader;
import io.auditdrain.verifier.store.StoredVersion;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run records of an app over a period, each with its version history where the store keeps one. In a versioned
 * bucket that history is what shows a record deleted (a delete marker is current) or replaced (a second version),
 * with the version the run wrote still readable; a directory copy keeps only what is there now. Listed through
 * {@link ArchiveReader#listVersions} a month at a time, as verify-archive lists the same keys.
 */
final class ProofArchive {

    /** One version of a key. */
    record Version(String versionId, Instant lastModified) {
    }

    /**
     * A key under the app's {@code proof/} prefix and its history.
     *
     * @param versions  the versions that hold bytes, newest first: the last is what was written first
     * @param deletedAt when the delete marker that is current was placed, or null when the key is not deleted
     */
    record Listed(String key, List<Version> versions, Instant deletedAt) {
        Listed {
            versions = List.copyOf(versions);
        }

        boolean deleted() {
            return deletedAt != null;
        }

        /** The version written first: what the run wrote, if the key is the run's. */
        Optional<Version> original() {
            return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
        }
    }

    private final ArchiveReader store;

    ProofArchive(ArchiveReader store) {
        this.store = store;
    }

    /** Every key of the app's records from {@code from} to {@code to}, in key order, with its history. */
    List<Listed> list(String app, Instant from, Instant to) {
        String end = ProofKeyLayout.startAfter(app, to);
        Map<String, List<StoredVersion>> byKey = new LinkedHashMap<>();
        YearMonth last = YearMonth.from(LocalDate.ofInstant(to.minusMillis(1), ZoneOffset.UTC));
        for (YearMonth month = YearMonth.from(LocalDate.ofInstant(from, ZoneOffset.UTC)); !month.isAfter(last);
                month = month.plusMonths(1)) {
            String dayPrefix = ProofKeyLayout.dayPrefix(app, month.atDay(1));
            String prefix = dayPrefix.substring(0, dayPrefix.length() - "01/".length());
            String after = month.equals(YearMonth.from(LocalDate.ofInstant(from, ZoneOffset.UTC)))
                    ? ProofKeyLayout.startAfter(app, from) : prefix;
            for (StoredVersion v : store.listVersions(prefix, after, end)) {
                byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
            }
        }
        List<Listed> listed = new ArrayList<>();
        byKey.forEach((key, history) -> {
            // Oldest first as listed; a key is deleted when its newest entry is a delete marker.
            List<Version> versions = new ArrayList<>();
            for (StoredVersion v : history) {
                if (!v.deleteMarker()) {
                    versions.add(0, new Version(v.versionId(), v.storedAt()));
                }
            }
            StoredVersion newest = history.get(history.size() - 1);
            listed.add(new Listed(key, versions, newest.deleteMarker() ? newest.storedAt() : null));
        });
        return listed;
    }

    /** Whether {@link #list} sees deleted and replaced versions (a bucket; not a directory copy). */
    boolean keepsVersions() {
        return store instanceof S3ArchiveReader;
    }

    /** The bytes of one version (null: the only one there is). */
    byte[] read(String key, String versionId) {
        if (versionId == null) {
            return store.read(key);
        }
        return store.readVersion(key, versionId).orElseThrow(() -> new ArchiveReadException("version " + versionId
                + " of " + store.describe() + "/" + key + " was listed but cannot be read", null));
    }
}
