package io.auditdrain.verifier.store;

import java.time.Instant;

/**
 * An object's current bytes and which version they are.
 *
 * @param versionId the S3 version read; null where the store has no versions (a local directory)
 */
public record VersionedObject(byte[] bytes, String versionId, Instant storedAt) {
}
