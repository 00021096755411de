package io.auditdrain.verifier.doctor;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;

/** All four public-access blocks are on. */
public final class PublicAccessBlockCheck extends BucketCheck {

    @Override
    public String name() {
        return "bucket-public-access-block";
    }

    @Override
    public String description() {
        return "all four public-access blocks are on";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, DoctorContext.Bucket bucket) {
        String remedy = "aws s3api put-public-access-block --bucket " + bucket.name()
                + " --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
                + "BlockPublicPolicy=true,RestrictPublicBuckets=true";
        PublicAccessBlockConfiguration config;
        try {
            config = bucket.client().getPublicAccessBlock(r -> r.bucket(bucket.name()))
                    .publicAccessBlockConfiguration();
        } catch (SdkException e) {
            if ("NoSuchPublicAccessBlockConfiguration".equals(BucketCheck.errorCode(e))) {
                return CheckResult.fail(name(), "no public-access block is set on " + bucket.name(), remedy);
            }
            return BucketCheck.unreadable(name(), "public-access block", "s3:GetBucketPublicAccessBlock", e);
        }
        List<String> off = new ArrayList<>();
        if (!Boolean.TRUE.equals(config.blockPublicAcls())) {
            off.add("BlockPublicAcls");
        }
        if (!Boolean.TRUE.equals(config.ignorePublicAcls())) {
            off.add("IgnorePublicAcls");
        }
        if (!Boolean.TRUE.equals(config.blockPublicPolicy())) {
            off.add("BlockPublicPolicy");
        }
        if (!Boolean.TRUE.equals(config.restrictPublicBuckets())) {
            off.add("RestrictPublicBuckets");
        }
        if (!off.isEmpty()) {
            return CheckResult.fail(name(), "off on " + bucket.name() + ": " + String.join(", ", off), remedy);
        }
        return CheckResult.pass(name(), "all four public-access blocks are on for " + bucket.name());
    }
}
