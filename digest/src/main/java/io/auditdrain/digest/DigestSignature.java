package io.auditdrain.digest;

import java.util.Arrays;

/**
 * A digest's signature, as KMS returns it.
 *
 * @param keyId the signing key's ARN (informational: verification uses the key the verifier was given)
 * @param value the signature bytes (DER for ECDSA, as KMS and the JDK both use)
 */
public record DigestSignature(SigningAlgorithm algorithm, String keyId, byte[] value) {

    public DigestSignature {
        if (algorithm == null || keyId == null || keyId.isBlank() || value == null || value.length == 0) {
            throw new IllegalArgumentException("a signature needs an algorithm, a key id and a value");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** What the next digest's link holds: the SHA-256 of these signature bytes. */
    public String sha256() {
        return Sha256.hex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DigestSignature s && algorithm == s.algorithm && keyId.equals(s.keyId)
                && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * algorithm.hashCode() + keyId.hashCode()) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "DigestSignature[" + algorithm + ", " + keyId + ", sha256 " + sha256() + "]";
    }
}
