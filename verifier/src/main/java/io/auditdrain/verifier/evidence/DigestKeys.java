package io.auditdrain.verifier.evidence;

import io.auditdrain.digest.DigestVerifier;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.store.S3ClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The public keys digests are checked with: exported key files (so that an auditor needs no KMS rights), or the KMS
 * key's public half, fetched once with {@code kms:GetPublicKey}; every signature is then verified locally.
 *
 * @param source what the report says about where the keys came from
 */
public record DigestKeys(List<PublicKey> keys, String source) {

    public DigestVerifier verifier() {
        return new DigestVerifier(keys);
    }

    /** Reads PEM or DER public key files. */
    public static DigestKeys fromFiles(List<Path> files) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                keys.add(DigestVerifier.parsePublicKey(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new ConfigurationException("cannot read the public key file " + file + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(file + ": " + e.getMessage(), e);
            }
        }
        return new DigestKeys(keys, "public key file" + (files.size() == 1 ? " " + files.get(0)
                : "s " + files));
    }

    /** Fetches the public half of a KMS key, once (AWS_REGION, the AWS credential chain, AWS_ENDPOINT_URL[_KMS]). */
    public static DigestKeys fromKms(String keyId, Environment env) {
        var builder = KmsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(30)).build())
                .region(S3ClientConfig.region(env))
                .credentialsProvider(S3ClientConfig.credentials(env));
        S3ClientConfig.endpoint(env, "AWS_ENDPOINT_URL_KMS").ifPresent(builder::endpointOverride);
        try (KmsClient kms = builder.build()) {
            GetPublicKeyResponse key = kms.getPublicKey(r -> r.keyId(keyId));
            if (key.keyUsage() != null && !"SIGN_VERIFY".equals(key.keyUsageAsString())) {
                throw new ConfigurationException("KMS key " + keyId + " is not a signing key (key usage "
                        + key.keyUsageAsString() + ")");
            }
            return new DigestKeys(List.of(DigestVerifier.parsePublicKey(key.publicKey().asByteArray())),
                    "kms:GetPublicKey " + keyId);
        } catch (KmsException e) {
            String code = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode();
            throw new ConfigurationException("could not read the public key of KMS key " + keyId + ": " + code
                    + " (an auditor without KMS rights can use --public-key with an exported key)", e);
        } catch (SdkException e) {
            throw new ConfigurationException("could not reach KMS for key " + keyId + ": " + e.getMessage(), e);
        }
    }
}
