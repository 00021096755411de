package io.auditdrain.verifier.attest;

import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.verifier.store.ArchiveReadException;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.S3ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The run records of an app over a period, each with its version history where the store keeps one. In a versioned
 * bucket that history is what shows a record deleted (a delete marker is current) or replaced (a second version),
 * with the version the run wrote still readable; a directory copy keeps only what is there now.
 */
abstract class ProofArchive {

    /** One version of a key. */
    record Version(String versionId, Instant lastModified) {
    }

    /**
     * A key under the app's {@code proof/} prefix and its history.
     *
     * @param versions  the versions that hold bytes, newest first (as S3 lists them): the last is what was written first
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

    /** Every key of the app's records from {@code from} to {@code to}, in key order, with its history. */
    abstract List<Listed> list(String app, Instant from, Instant to);

    /** Whether {@link #list} sees deleted and replaced versions. */
    abstract boolean keepsVersions();

    /** The bytes of one version (null: the only one there is). */
    abstract byte[] read(String key, String versionId);

    static ProofArchive of(ArchiveReader store) {
        return store instanceof S3ArchiveReader s3 ? new Versioned(s3) : new Current(store);
    }

    /** A bucket: ListObjectVersions over the period's keys, GetObject of the version asked for. */
    private static final class Versioned extends ProofArchive {
        private static final int PAGE = 10_000;
        private final S3ArchiveReader reader;
        private final S3Client s3;
        private final String bucket;

        Versioned(S3ArchiveReader reader) {
            this.reader = reader;
            this.s3 = reader.client();
            this.bucket = reader.bucket();
        }

        /**
         * Lists the prefix of each month of the period, every page: a month holds about 3,000 records at the default
         * interval, so a quarter is a dozen requests. (Starting at a key marker inside a month would save a few, but
         * moto drops the first key after a marker that is not itself a key, and this listing is the attestation's
         * whole view of the records.) A page asks for more keys than S3 gives (1,000 at most, whatever is asked):
         * an emulator may answer a month in one page, and moto copies the whole bucket for every page it lists.
         */
        @Override
        List<Listed> list(String app, Instant from, Instant to) {
            String start = ProofKeyLayout.startAfter(app, from);
            String end = ProofKeyLayout.startAfter(app, to);
            Map<String, List<Version>> versions = new TreeMap<>();
            Map<String, Instant> deleted = new TreeMap<>();
            YearMonth last = YearMonth.from(LocalDate.ofInstant(to.minusMillis(1), ZoneOffset.UTC));
            for (YearMonth month = YearMonth.from(LocalDate.ofInstant(from, ZoneOffset.UTC)); !month.isAfter(last);
                    month = month.plusMonths(1)) {
                String dayPrefix = ProofKeyLayout.dayPrefix(app, month.atDay(1));
                String prefix = dayPrefix.substring(0, dayPrefix.length() - "01/".length());
                try {
                    for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(r -> r.bucket(bucket)
                            .prefix(prefix).maxKeys(PAGE))) {
                        for (ObjectVersion v : page.versions()) {
                            if (v.key().compareTo(start) > 0 && v.key().compareTo(end) < 0) {
                                versions.computeIfAbsent(v.key(), k -> new ArrayList<>())
                                        .add(new Version(v.versionId(), v.lastModified()));
                            }
                        }
                        for (DeleteMarkerEntry m : page.deleteMarkers()) {
                            if (m.key().compareTo(start) > 0 && m.key().compareTo(end) < 0) {
                                versions.computeIfAbsent(m.key(), k -> new ArrayList<>());
                                if (Boolean.TRUE.equals(m.isLatest())) {
                                    deleted.put(m.key(), m.lastModified());
                                }
                            }
                        }
                    }
                } catch (S3Exception e) {
                    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + " ";
                    throw new ArchiveReadException("could not list the versions of s3://" + bucket + "/" + prefix
                            + ": " + code + "(HTTP " + e.statusCode() + "); attest reads each record's history and"
                            + " needs s3:ListBucketVersions there", e);
                } catch (SdkException e) {
                    throw new ArchiveReadException("could not list the versions of s3://" + bucket + "/" + prefix
                            + ": " + e.getMessage(), e);
                }
            }
            List<Listed> listed = new ArrayList<>();
            versions.forEach((key, list) -> listed.add(new Listed(key, list, deleted.get(key))));
            return listed;
        }

        @Override
        boolean keepsVersions() {
            return true;
        }

        @Override
        byte[] read(String key, String versionId) {
            if (versionId == null) {
                return reader.read(key);
            }
            Optional<byte[]> bytes = reader.readVersion(key, versionId);
            return bytes.orElseThrow(() -> new ArchiveReadException("version " + versionId + " of s3://" + bucket
                    + "/" + key + " was listed but cannot be read", null));
        }
    }

    /** A directory copy of the bucket: what each key holds now. */
    private static final class Current extends ProofArchive {
        private final ArchiveReader store;

        Current(ArchiveReader store) {
            this.store = store;
        }

        @Override
        List<Listed> list(String app, Instant from, Instant to) {
            String end = ProofKeyLayout.startAfter(app, to);
            List<Listed> listed = new ArrayList<>();
            LocalDate last = LocalDate.ofInstant(to.minusMillis(1), ZoneOffset.UTC);
            for (LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC); !day.isAfter(last);
                    day = day.plusDays(1)) {
                String prefix = ProofKeyLayout.dayPrefix(app, day);
                String after = day.equals(LocalDate.ofInstant(from, ZoneOffset.UTC))
                        ? ProofKeyLayout.startAfter(app, from) : prefix;
                for (StoredObject o : store.listAfter(prefix, after)) {
                    if (o.key().compareTo(end) < 0) {
                        listed.add(new Listed(o.key(), List.of(new Version(null, o.storedAt())), null));
                    }
                }
            }
            return listed;
        }

        @Override
        boolean keepsVersions() {
            return false;
        }

        @Override
        byte[] read(String key, String versionId) {
            return store.read(key);
        }
    }
}
