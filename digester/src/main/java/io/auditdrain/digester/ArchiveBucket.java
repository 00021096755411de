package io.auditdrain.digester;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the digester needs from the bucket, and nothing more: its role may list and read, and put only under
 * {@code digests/}, never overwriting ({@link #putDigest} is conditional) and never deleting.
 */
public interface ArchiveBucket {

    /** An object as listed (its current version). */
    record ListedObject(String key, Instant storedAt) {
    }

    /** The current version of an object, hashed while read. */
    record HashedObject(String versionId, long size, String sha256, Instant storedAt) {
    }

    /** The apps that have objects: the names under {@code logs/}, whatever they are (the caller validates). */
    List<String> appNames();

    /**
     * The objects (current versions, not deleted) under {@code prefix} whose keys sort after {@code after} and before
     * {@code before}, in key order.
     */
    List<ListedObject> currentObjects(String prefix, String after, String before);

    /** The first key under {@code prefix} for which {@code accept} holds, looking at a bounded number of keys. */
    Optional<String> firstKey(String prefix, java.util.function.Predicate<String> accept);

    /** Every key under {@code prefix} with when it was stored, in key order (for the small digest prefixes). */
    List<ListedObject> list(String prefix);

    /** Whether anything is stored under {@code prefix}. */
    boolean any(String prefix);

    /** Reads and hashes the current version of an object; the version, size and time are those of what was read. */
    HashedObject hash(String key);

    /** The current bytes of a digest. */
    byte[] read(String key);

    /**
     * Stores a digest unless its key exists.
     *
     * @return false when the key existed already (another run wrote it), in which case nothing was written
     */
    boolean putDigest(String key, byte[] content);
}
