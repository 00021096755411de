package io.auditdrain.digest;

import java.util.List;

/**
 * An interval between a digest and the previous one it links to, skipped because its digest key was found tampered
 * with (replaced or deleted) or gone: the digester never writes a digest for a key that ever existed, so it links
 * over the gap and records here what the key's version history held when it did. The hashes of the versions tie
 * them to the chain, so a hidden but intact version can still be shown authentic.
 *
 * @param versions      every version of the interval's digest key, oldest first (empty when none was left)
 * @param deleteMarkers the key's delete markers, oldest first
 */
public record DigestGap(DigestInterval interval, List<DigestEntry> versions, List<DeleteMarker> deleteMarkers) {

    public DigestGap {
        if (interval == null) {
            throw new IllegalArgumentException("a gap needs its interval");
        }
        versions = List.copyOf(versions);
        deleteMarkers = List.copyOf(deleteMarkers);
    }
}
