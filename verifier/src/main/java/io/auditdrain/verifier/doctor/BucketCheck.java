package io.auditdrain.verifier.doctor;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What the bucket checks share: they are skipped without an S3 bucket (a local directory store, or no store), and
 * they read S3's errors the same way.
 */
abstract class BucketCheck implements Check {

    @Override
    public final CheckResult run(DoctorContext ctx) {
        if (ctx.bucket().isEmpty()) {
            return CheckResult.skip(name(), ctx.store().isPresent()
                    ? "the store is a local directory: bucket settings apply to s3:// stores"
                    : "no --store given");
        }
        return check(ctx, ctx.bucket().get());
    }

    /** The check itself, for a bucket that is there to ask. */
    protected abstract CheckResult check(DoctorContext ctx, DoctorContext.Bucket bucket);

    /** The S3 error code of {@code e}, or null when it is not an S3 error answer. */
    static String errorCode(SdkException e) {
        return e instanceof S3Exception s3e && s3e.awsErrorDetails() != null ? s3e.awsErrorDetails().errorCode()
                : null;
    }

    /** A check that could not read the setting fails: an auditor cannot take an unread setting on trust. */
    static CheckResult unreadable(String name, String what, String permission, SdkException e) {
        String code = errorCode(e);
        String reason = code != null ? code : e.getMessage();
        return CheckResult.fail(name, "could not read the bucket's " + what + ": " + reason,
                "AccessDenied".equals(code) ? "let the identity running doctor call " + permission + " on the bucket"
                        : "check the bucket name, AWS_REGION and the credentials");
    }
}
