package io.auditdrain.verifier.doctor;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;

/** Versioning is Enabled, so that an overwritten or deleted object keeps its earlier versions. */
public final class BucketVersioningCheck extends BucketCheck {

    @Override
    public String name() {
        return "bucket-versioning";
    }

    @Override
    public String description() {
        return "the bucket keeps every version of every object";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, DoctorContext.Bucket bucket) {
        GetBucketVersioningResponse response;
        try {
            response = bucket.client().getBucketVersioning(r -> r.bucket(bucket.name()));
        } catch (SdkException e) {
            return BucketCheck.unreadable(name(), "versioning", "s3:GetBucketVersioning", e);
        }
        if (response.status() == BucketVersioningStatus.ENABLED) {
            return CheckResult.pass(name(), "versioning is Enabled on " + bucket.name());
        }
        String state = response.status() == null ? "never enabled" : response.statusAsString();
        return CheckResult.fail(name(), "versioning is " + state + " on " + bucket.name()
                        + ": an overwrite or delete would lose the drained lines",
                "aws s3api put-bucket-versioning --bucket " + bucket.name()
                        + " --versioning-configuration Status=Enabled   (or apply terraform/, which enables it)");
    }
}
