package io.auditdrain.verifier.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditdrain.testing.AwsEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.s3.model.Transition;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/** A fresh bucket on the shared emulator, set up as the reference deployment's Terraform sets it up. */
public final class TestBucket {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsEmulator emulator = AwsEmulator.shared();
    private final S3Client s3;
    private final String name = "drain-" + UUID.randomUUID().toString().substring(0, 18);

    public TestBucket() {
        s3 = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(emulator.endpoint())
                .forcePathStyle(true)
                .region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY)))
                .build();
        s3.createBucket(r -> r.bucket(name));
    }

    /**
     * Versioning, all four public-access blocks, SSE-S3, 30 days to IA then expiry at 90 (noncurrent too), and the
     * statements of the module's bucket policy that the emulator can hold (below).
     */
    public TestBucket configuredAsReference() {
        s3.putBucketVersioning(r -> r.bucket(name).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putPublicAccessBlock(r -> r.bucket(name).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        ServerSideEncryptionRule sse = ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)).build();
        s3.putBucketEncryption(r -> r.bucket(name).serverSideEncryptionConfiguration(c -> c.rules(sse)));
        lifecycle(90);
        s3.putBucketPolicy(r -> r.bucket(name).policy(referencePolicy()));
        return this;
    }

    /**
     * The module's bucket policy (terraform/bucket.tf, as scripts/check-deploy checks the fixture) without the
     * statements on object writes, reads and deletes: the emulator enforces a bucket policy on object requests with
     * its Deny statements' conditions ignored, so those would refuse the tests' own writes. What is left denies the
     * actions that remove history or change the bucket to all but the break-glass role, as in production.
     */
    private String referencePolicy() {
        try (InputStream in = TestBucket.class.getResourceAsStream(
                "/io/auditdrain/verifier/doctor/terraform-bucket-policy.json")) {
            ObjectNode policy = (ObjectNode) JSON.readTree(in);
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode statement : policy.get("Statement")) {
                if (List.of("OnlyBreakGlassRemovesVersionsOrRetention", "OnlyBreakGlassChangesTheBucket",
                        "NoReplicationIntoTheArchive").contains(statement.path("Sid").asText())) {
                    kept.add(statement);
                }
            }
            policy.set("Statement", kept);
            return JSON.writeValueAsString(policy).replace("auditdrain-emulator-logs", name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void lifecycle(int expirationDays) {
        LifecycleRule rule = LifecycleRule.builder()
                .id("retention").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("logs/"))
                .transitions(Transition.builder().days(30).storageClass(TransitionStorageClass.STANDARD_IA).build())
                .expiration(e -> e.days(expirationDays))
                .noncurrentVersionExpiration(n -> n.noncurrentDays(expirationDays))
                .build();
        s3.putBucketLifecycleConfiguration(r -> r.bucket(name).lifecycleConfiguration(c -> c.rules(rule)));
    }

    public S3Client s3() {
        return s3;
    }

    public String name() {
        return name;
    }

    public String store() {
        return "s3://" + name;
    }

    public DrainedObjects objects() {
        return DrainedObjects.s3(s3, name);
    }

    /** What the verifier needs in its environment to reach the emulator. */
    public Map<String, String> environment() {
        return Map.of("AWS_ENDPOINT_URL", emulator.endpoint().toString(), "AWS_REGION", AwsEmulator.REGION,
                "AWS_ACCESS_KEY_ID", AwsEmulator.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", AwsEmulator.SECRET_KEY);
    }
}
