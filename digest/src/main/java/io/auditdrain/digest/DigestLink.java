package io.auditdrain.digest;

/**
 * The link from a digest to the one before it in its app's chain.
 *
 * @param signatureSha256 lower-case hex SHA-256 of the previous digest's signature bytes
 */
public record DigestLink(String key, String signatureSha256) {

    public DigestLink {
        DigestLayout.parse(key);
        if (!Sha256.isHex(signatureSha256)) {
            throw new IllegalArgumentException("signature_sha256 must be 64 lower-case hex digits");
        }
    }
}
