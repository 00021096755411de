package io.auditdrain.verifier.store;

import java.time.Instant;

/**
 * A listed object.
 *
 * @param storedAt when the store received it (S3 LastModified, a file's modification time); null when unknown
 */
public record StoredObject(String key, Instant storedAt) {
}
