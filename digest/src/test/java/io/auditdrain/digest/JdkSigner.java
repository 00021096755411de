package io.auditdrain.digest;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Signs with a key pair made by the JDK: the same algorithms as KMS, for tests that need no AWS. */
record JdkSigner(KeyPair keys, SigningAlgorithm algorithm, String keyId) implements DigestSigner {

    static JdkSigner p256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new JdkSigner(g.generateKeyPair(), SigningAlgorithm.ECDSA_SHA_256, "test-key-p256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static JdkSigner rsa(SigningAlgorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return new JdkSigner(g.generateKeyPair(), algorithm, "test-key-rsa");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DigestSignature sign(byte[] message) {
        try {
            Signature s = algorithm.newSignature();
            s.initSign(keys.getPrivate());
            s.update(message);
            return new DigestSignature(algorithm, keyId, s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
