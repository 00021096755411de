package io.auditdrain.digest;

/** Signs a digest's signed message (AWS KMS in production: the private key never leaves it). */
public interface DigestSigner {

    /** Signs {@code message} (at most a few hundred bytes: see {@link SignedDigest#signedMessage}). */
    DigestSignature sign(byte[] message);
}
