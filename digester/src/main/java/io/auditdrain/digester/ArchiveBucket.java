package io.auditdrain.digester;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the digester needs from the bucket, and nothing more: its role may list and read (version histories
 * included), and put only under {@code digests/}, never overwriting ({@link #putDigest} is conditional) and never
 * deleting.
 */
public interface ArchiveBucket {

    /**
     * One entry of a key's version history: a version, or a delete marker.
     *
     * @param storedAt when it was written (S3 LastModified)
     */
    record StoredVersion(String key, String versionId, Instant storedAt, boolean deleteMarker) {
    }

    /** One version of an object, hashed while read; the size and time are those of what was read. */
    record HashedObject(String versionId, long size, String sha256, Instant storedAt) {
    }

    /** The apps that have objects: the names under {@code logs/}, whatever they are (the caller validates). */
    List<String> appNames();

    /**
     * Every version and delete marker, current or not, of the keys under {@code prefix} that sort after
     * {@code after} and before {@code before}: in key order, and oldest first within a key. A plain listing shows
     * only what is current; the history also shows what was deleted or overwritten.
     */
    List<StoredVersion> versions(String prefix, String after, String before);

    /**
     * The first key under {@code prefix}, in the version history (deleted keys too), for which {@code accept} holds,
     * looking at a bounded number of keys.
     */
    Optional<String> firstKey(String prefix, Predicate<String> accept);

    /** Reads and hashes one version of an object. */
    HashedObject hash(String key, String versionId);

    /** The bytes of one version of a digest. */
    byte[] read(String key, String versionId);

    /**
     * Stores a digest unless its key exists.
     *
     * @return false when the key existed already (another run wrote it), in which case nothing was written
     */
    boolean putDigest(String key, byte[] content);
}
