package io.auditdrain.verifier.attest;

/**
 * An object a statement of the attestation rests on, named so that anyone can fetch it and check it again.
 *
 * @param key          the object's key in the archive
 * @param sha256       lower-case hex SHA-256 of the bytes read, or null when they were not read
 * @param versionId    the S3 version read, or null (a directory store keeps none)
 * @param digest       the signed digest that covers the object, or null when none does (yet)
 * @param digestStatus that digest's interval as verify-archive judged it ({@code valid}, {@code modified}, ...), or
 *                     why no digest is named
 */
public record Evidence(String key, String sha256, String versionId, String digest, String digestStatus) {

    public static Evidence of(String key) {
        return new Evidence(key, null, null, null, null);
    }

    public Evidence withDigest(String digestKey, String status) {
        return new Evidence(key, sha256, versionId, digestKey, status);
    }
}
