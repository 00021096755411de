package io.auditdrain.verifier.doctor;

import io.auditdrain.core.ObjectKeyLayout;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

/** The lifecycle keeps drained objects, and their noncurrent versions, at least the required days. */
public final class BucketLifecycleCheck extends BucketCheck {

    @Override
    public String name() {
        return "bucket-lifecycle";
    }

    @Override
    public String description() {
        return "the lifecycle keeps objects at least the required number of days";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, DoctorContext.Bucket bucket) {
        String keyPrefix = ctx.app().map(ObjectKeyLayout::appPrefix).orElse(ObjectKeyLayout.ROOT);
        int days = ctx.retentionDays();
        String remedy = "set the retention to " + days + " days or more (terraform: the bucket module's retention"
                + " variable, then terraform apply), or: aws s3api put-bucket-lifecycle-configuration --bucket "
                + bucket.name() + " --lifecycle-configuration '{\"Rules\":[{\"ID\":\"retention\",\"Status\":"
                + "\"Enabled\",\"Filter\":{\"Prefix\":\"logs/\"},\"Transitions\":[{\"Days\":30,\"StorageClass\":"
                + "\"STANDARD_IA\"}],\"Expiration\":{\"Days\":" + days + "},\"NoncurrentVersionExpiration\":"
                + "{\"NoncurrentDays\":" + days + "}}]}'";
        List<LifecycleRule> rules;
        try {
            rules = bucket.client().getBucketLifecycleConfiguration(r -> r.bucket(bucket.name())).rules();
        } catch (SdkException e) {
            if ("NoSuchLifecycleConfiguration".equals(BucketCheck.errorCode(e))) {
                rules = List.of();
            } else {
                return BucketCheck.unreadable(name(), "lifecycle", "s3:GetLifecycleConfiguration", e);
            }
        }
        LifecycleRetention.Judgement judgement = LifecycleRetention.judge(rules, keyPrefix, days);
        return new CheckResult(name(), judgement.verdict(), judgement.detail(),
                judgement.verdict() == Verdict.PASS ? "" : remedy);
    }
}
