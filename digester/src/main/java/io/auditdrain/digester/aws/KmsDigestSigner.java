package io.auditdrain.digester.aws;

import io.auditdrain.digest.DigestSignature;
import io.auditdrain.digest.DigestSigner;
import io.auditdrain.digest.SigningAlgorithm;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs with an asymmetric AWS KMS key ({@code kms:Sign}); the private key never leaves KMS. The signed message is
 * small (the payload's hash, see SignedDigest), so it is sent as a RAW message and KMS hashes it with SHA-256, as the
 * JDK does when it verifies: no pre-hashed DIGEST mode is needed.
 */
public final class KmsDigestSigner implements DigestSigner {

    private final KmsClient kms;
    private final String keyId;
    private final SigningAlgorithm algorithm;

    public KmsDigestSigner(KmsClient kms, String keyId, SigningAlgorithm algorithm) {
        this.kms = kms;
        this.keyId = keyId;
        this.algorithm = algorithm;
    }

    @Override
    public DigestSignature sign(byte[] message) {
        SignResponse response = kms.sign(r -> r.keyId(keyId).message(SdkBytes.fromByteArray(message))
                .messageType(MessageType.RAW).signingAlgorithm(SigningAlgorithmSpec.fromValue(algorithm.name())));
        // KMS answers with the key's ARN even when it was called by alias: the digest names the key itself.
        return new DigestSignature(algorithm, response.keyId(), response.signature().asByteArray());
    }
}
