package io.auditdrain.verifier.doctor;

import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/** Default encryption is configured (SSE-S3 or SSE-KMS). */
public final class BucketEncryptionCheck extends BucketCheck {

    @Override
    public String name() {
        return "bucket-encryption";
    }

    @Override
    public String description() {
        return "objects are encrypted at rest by default";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, DoctorContext.Bucket bucket) {
        String remedy = "aws s3api put-bucket-encryption --bucket " + bucket.name()
                + " --server-side-encryption-configuration"
                + " '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]}'";
        List<ServerSideEncryptionRule> rules;
        try {
            rules = bucket.client().getBucketEncryption(r -> r.bucket(bucket.name()))
                    .serverSideEncryptionConfiguration().rules();
        } catch (SdkException e) {
            if ("ServerSideEncryptionConfigurationNotFoundError".equals(BucketCheck.errorCode(e))) {
                return CheckResult.fail(name(), "no default encryption on " + bucket.name(), remedy);
            }
            return BucketCheck.unreadable(name(), "default encryption", "s3:GetEncryptionConfiguration", e);
        }
        for (ServerSideEncryptionRule rule : rules) {
            if (rule.applyServerSideEncryptionByDefault() != null
                    && rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString() != null) {
                return CheckResult.pass(name(), "default encryption "
                        + rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString() + " on " + bucket.name());
            }
        }
        return CheckResult.fail(name(), "no default encryption algorithm on " + bucket.name(), remedy);
    }
}
