package io.auditdrain.digester;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.ByteSink;
import io.auditdrain.core.GzipEncoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestVerifier;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.digest.SigningAlgorithm;
import io.auditdrain.digester.aws.KmsDigestSigner;
import io.auditdrain.digester.aws.S3ArchiveBucket;
import io.auditdrain.testing.AwsEmulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A fresh versioned bucket and an ECC_NIST_P256 signing key on the shared emulator (moto's S3 and KMS), with the
 * digester wired to them as in production.
 */
public final class TestArchive implements AutoCloseable {

    static final String APP = "acme-api";

    final AwsEmulator emulator = AwsEmulator.shared();
    final String bucket = "digests-" + UUID.randomUUID().toString().substring(0, 13);
    final S3Client s3;
    final KmsClient kms;
    final String keyArn;

    public TestArchive() {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY));
        s3 = S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true)
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(credentials).build();
        kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(credentials).build();
        s3.createBucket(r -> r.bucket(bucket));
        s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        keyArn = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("auditdrain test digests")).keyMetadata().arn();
    }

    ArchiveDigester digester(Instant now, Set<String> apps) {
        return digester(now, apps, 48);
    }

    ArchiveDigester digester(Instant now, Set<String> apps, int maxIntervals) {
        return digester(new S3ArchiveBucket(s3, bucket), now, apps, maxIntervals, System::nanoTime);
    }

    /** A digester over {@code archive} (a wrapper that counts, say), its listings aged by {@code nanoTime}. */
    ArchiveDigester digester(ArchiveBucket archive, Instant now, Set<String> apps, int maxIntervals,
                             LongSupplier nanoTime) {
        return new ArchiveDigester(archive, new KmsDigestSigner(kms, keyArn, SigningAlgorithm.ECDSA_SHA_256),
                new ArchiveDigester.Policy(Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofHours(24), apps,
                        maxIntervals),
                Clock.fixed(now, ZoneOffset.UTC), nanoTime);
    }

    /** This archive's bucket, adding the prefix of every version listing to {@code listed}. */
    ArchiveBucket countingListings(List<String> listed) {
        ArchiveBucket s3Bucket = new S3ArchiveBucket(s3, bucket);
        return new ArchiveBucket() {
            @Override
            public List<String> appNames() {
                return s3Bucket.appNames();
            }

            @Override
            public List<StoredVersion> versions(String prefix, String after, String before) {
                listed.add(prefix);
                return s3Bucket.versions(prefix, after, before);
            }

            @Override
            public Optional<String> firstKey(String prefix, Predicate<String> accept) {
                return s3Bucket.firstKey(prefix, accept);
            }

            @Override
            public HashedObject hash(String key, String versionId) {
                return s3Bucket.hash(key, versionId);
            }

            @Override
            public byte[] read(String key, String versionId) {
                return s3Bucket.read(key, versionId);
            }

            @Override
            public boolean putDigest(String key, byte[] content) {
                return s3Bucket.putDigest(key, content);
            }
        };
    }

    /** The environment the Lambda function gets from Terraform, pointed at the emulator. */
    public Map<String, String> environment() {
        return Map.of("AUDITDRAIN_STORE", "s3://" + bucket, "AUDITDRAIN_DIGEST_KEY_ID", keyArn,
                "AWS_REGION", AwsEmulator.REGION, "AWS_ENDPOINT_URL", emulator.endpoint().toString());
    }

    /** Stores a drained object as the receiver would: its key names the newest message time. */
    String putObject(String app, Instant newest, String... messages) {
        String key = new ObjectKey(app, newest.toEpochMilli(), UUID.randomUUID()).toString();
        put(key, gzipLines(messages));
        return key;
    }

    void put(String key, byte[] content) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("text/plain; charset=utf-8"),
                RequestBody.fromBytes(content));
    }

    byte[] get(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    }

    static byte[] gzipLines(String... messages) {
        ByteSink lines = new ByteSink(256);
        for (String m : messages) {
            byte[] b = m.getBytes(UTF_8);
            LineCodec.encode(b, 0, b.length, lines);
        }
        try (GzipEncoder gzip = new GzipEncoder(6)) {
            ByteSink out = new ByteSink(256);
            gzip.encode(lines.array(), 0, lines.size(), out);
            return out.toByteArray();
        }
    }

    /** Every digest of {@code app}, parsed, in key order. */
    public List<SignedDigest> digests(String app) {
        List<SignedDigest> digests = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(DigestLayout.appPrefix(app)))
                .contents()) {
            digests.add(SignedDigest.parse(get(o.key())));
        }
        return digests;
    }

    /** A verifier holding the key's public half, fetched once from KMS. */
    DigestVerifier verifier() {
        return new DigestVerifier(List.of(DigestVerifier.parsePublicKey(
                kms.getPublicKey(r -> r.keyId(keyArn)).publicKey().asByteArray())));
    }

    @Override
    public void close() {
        s3.close();
        kms.close();
    }
}
