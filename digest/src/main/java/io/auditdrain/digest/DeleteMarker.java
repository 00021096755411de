package io.auditdrain.digest;

import java.time.Instant;

/**
 * A delete marker as a digest records it: S3 keeps the deleted versions behind it, and the marker itself says when
 * the key was deleted.
 *
 * @param versionId the marker's own version id
 * @param storedAt  when it was placed (its S3 LastModified)
 */
public record DeleteMarker(String key, String versionId, Instant storedAt) {

    public DeleteMarker {
        if (key == null || key.isEmpty() || versionId == null || versionId.isEmpty() || storedAt == null) {
            throw new IllegalArgumentException("a delete marker needs its key, version id and time");
        }
    }
}
