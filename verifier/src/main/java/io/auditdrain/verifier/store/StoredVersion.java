package io.auditdrain.verifier.store;

import java.time.Instant;

/**
 * One entry of a key's version history: a version, or a delete marker.
 *
 * @param versionId the version's id; null in a store without versions (a directory: the file is the one version)
 * @param storedAt  when it was written (S3 LastModified, a file's modification time)
 */
public record StoredVersion(String key, String versionId, Instant storedAt, boolean deleteMarker) {
}
