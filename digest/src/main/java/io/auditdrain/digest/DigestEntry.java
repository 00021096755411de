package io.auditdrain.digest;

import java.time.Instant;

/**
 * One stored object as a digest records it.
 *
 * @param versionId the S3 version that was hashed; null where the store has no versions (a local directory)
 * @param size      bytes as stored (the gzip object)
 * @param sha256    lower-case hex SHA-256 of exactly those bytes
 * @param storedAt  when the store received it (S3 LastModified)
 */
public record DigestEntry(String key, String versionId, long size, String sha256, Instant storedAt) {

    public DigestEntry {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an entry needs a key");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + key);
        }
        if (!Sha256.isHex(sha256)) {
            throw new IllegalArgumentException("sha256 of " + key + " must be 64 lower-case hex digits");
        }
        if (storedAt == null) {
            throw new IllegalArgumentException("an entry needs its stored_at time: " + key);
        }
    }
}
