package io.auditdrain.verifier.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.testsupport.TestBucket;
import org.junit.jupiter.api.Test;

/**
 * The bucket-policy check reading a bucket's policy through S3's GetBucketPolicy, from the S3 emulator. The emulator
 * only stores these policies here: it enforces a bucket policy on object requests alone (its Deny statements without
 * their conditions), and these tests make none.
 */
class BucketPolicyCheckIT {

    private final TestBucket bucket = new TestBucket();

    private CheckResult check(String policy) {
        if (policy != null) {
            bucket.s3().putBucketPolicy(r -> r.bucket(bucket.name())
                    .policy(policy.replace("auditdrain-emulator-logs", bucket.name())));
        }
        return new BucketPolicyCheck().check(null, new DoctorContext.Bucket(bucket.s3(), bucket.name()));
    }

    @Test
    void the_policy_terraform_writes_passes() {
        CheckResult result = check(BucketPolicyCheckTest.fixture("terraform-bucket-policy.json"));
        assertEquals(Verdict.PASS, result.verdict(), result.detail());
        assertTrue(result.detail().contains("arn:aws:iam::123456789012:role/auditdrain-receiver"), result.detail());
    }

    @Test
    void a_grant_to_another_account_added_to_it_fails() {
        CheckResult result = check(BucketPolicyCheckTest.terraformPolicyWith(statements -> statements.add(
                BucketPolicyCheckTest.statement(BucketPolicyCheckTest.fixture("bucket-policy-cross-account-reader.json")
                        .replace("auditdrain-emulator-logs", bucket.name())))));
        assertEquals(Verdict.FAIL, result.verdict(), result.detail());
        assertTrue(result.detail().startsWith("statement AuditorsOfTheParentCompany allows"), result.detail());
    }

    @Test
    void a_bucket_without_a_policy_warns_that_nothing_is_denied() {
        CheckResult result = check(null);
        assertEquals(Verdict.WARN, result.verdict(), result.detail());
        assertTrue(result.detail().startsWith("no bucket policy on " + bucket.name()), result.detail());
    }

    @Test
    void the_tls_only_policy_of_earlier_versions_warns() {
        CheckResult result = check(BucketPolicyCheckTest.fixture("bucket-policy-tls-only.json"));
        assertEquals(Verdict.WARN, result.verdict(), result.detail());
        assertTrue(result.detail().contains("s3:DeleteObjectVersion"), result.detail());
    }
}
