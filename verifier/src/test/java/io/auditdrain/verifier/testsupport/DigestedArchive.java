package io.auditdrain.verifier.testsupport;

import io.auditdrain.digest.SigningAlgorithm;
import io.auditdrain.digester.ArchiveDigester;
import io.auditdrain.digester.aws.KmsDigestSigner;
import io.auditdrain.digester.aws.S3ArchiveBucket;
import io.auditdrain.testing.AwsEmulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * A bucket set up as the reference deployment's, an ECC_NIST_P256 signing key in moto's KMS, and the real digester
 * (hourly, 10 minutes' grace, a day's late window) writing digests of it.
 */
public final class DigestedArchive implements AutoCloseable {

    private final TestBucket bucket = new TestBucket().configuredAsReference();
    private final KmsClient kms;
    private final String keyArn;

    public DigestedArchive() {
        AwsEmulator emulator = AwsEmulator.shared();
        kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY))).build();
        keyArn = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata().arn();
    }

    public TestBucket bucket() {
        return bucket;
    }

    public KmsClient kms() {
        return kms;
    }

    public String keyArn() {
        return keyArn;
    }

    public KmsDigestSigner signer() {
        return new KmsDigestSigner(kms, keyArn, SigningAlgorithm.ECDSA_SHA_256);
    }

    /** Runs the digester as the schedule would at {@code now}. */
    public ArchiveDigester.Run digest(Instant now) {
        ArchiveDigester.Run run = new ArchiveDigester(new S3ArchiveBucket(bucket.s3(), bucket.name()), signer(),
                new ArchiveDigester.Policy(Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofHours(24), Set.of(),
                        48), Clock.fixed(now, ZoneOffset.UTC)).run(() -> true);
        if (run.failed()) {
            throw new AssertionError("the digester failed: " + run);
        }
        return run;
    }

    /**
     * Runs the digester as the schedule does, once an hour from {@code first} to {@code last}: each digest is then
     * written within minutes of its interval's close, as in production (a digest written hours late is a finding).
     */
    public void digestHourly(Instant first, Instant last) {
        for (Instant t = first; !t.isAfter(last); t = t.plus(Duration.ofHours(1))) {
            digest(t);
        }
    }

    /** The key's public half, DER, as {@code aws kms get-public-key} returns it. */
    public byte[] publicKeyDer() {
        return kms.getPublicKey(r -> r.keyId(keyArn)).publicKey().asByteArray();
    }

    /** The verifier's environment: the emulator, and the key by its ARN. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(bucket.environment());
        env.put("AUDITDRAIN_DIGEST_KEY_ID", keyArn);
        return env;
    }

    @Override
    public void close() {
        kms.close();
    }
}
