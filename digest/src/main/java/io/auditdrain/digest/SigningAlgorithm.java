package io.auditdrain.digest;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The signing algorithms a digest may use, by their AWS KMS names, with the JDK signature that verifies each: the
 * JDK checks every one of them without an extra library.
 */
public enum SigningAlgorithm {
    /** ECC_NIST_P256 keys: the default. */
    ECDSA_SHA_256,
    /** RSA keys, PKCS #1 v1.5 padding. */
    RSASSA_PKCS1_V1_5_SHA_256,
    /** RSA keys, PSS padding (KMS uses a salt as long as the hash). */
    RSASSA_PSS_SHA_256;

    /** A JDK {@link Signature} set up for this algorithm, not yet initialised with a key. */
    public Signature newSignature() {
        try {
            return switch (this) {
                case ECDSA_SHA_256 -> Signature.getInstance("SHA256withECDSA");
                case RSASSA_PKCS1_V1_5_SHA_256 -> Signature.getInstance("SHA256withRSA");
                case RSASSA_PSS_SHA_256 -> {
                    Signature pss = Signature.getInstance("RSASSA-PSS");
                    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    yield pss;
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot verify " + this, e);
        }
    }

    /** The algorithm of that KMS name; throws {@link IllegalArgumentException} for another. */
    public static SigningAlgorithm fromKmsName(String name) {
        for (SigningAlgorithm a : values()) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported signing algorithm " + name + " (supported: ECDSA_SHA_256,"
                + " RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PSS_SHA_256)");
    }
}
