package io.auditdrain.verifier.testsupport;

import io.auditdrain.digest.DigestSignature;
import io.auditdrain.digest.DigestSigner;
import io.auditdrain.digest.SigningAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Signs digests with an ECC P-256 key pair made by the JDK: what KMS does with an ECC_NIST_P256 key (ECDSA over
 * SHA-256 of the message, DER), without a KMS call per digest, for archives of many digests.
 */
public final class JdkDigestSigner implements DigestSigner {

    private final KeyPair keys;

    public JdkDigestSigner() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DigestSignature sign(byte[] message) {
        try {
            Signature s = SigningAlgorithm.ECDSA_SHA_256.newSignature();
            s.initSign(keys.getPrivate());
            s.update(message);
            return new DigestSignature(SigningAlgorithm.ECDSA_SHA_256, "jdk-test-key-p256", s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as {@code aws kms get-public-key} exports it (DER, SubjectPublicKeyInfo). */
    public byte[] publicKeyDer() {
        return keys.getPublic().getEncoded();
    }
}
