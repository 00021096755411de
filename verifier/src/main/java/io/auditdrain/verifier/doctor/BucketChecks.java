package io.auditdrain.verifier.doctor;

import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What the bucket checks share: skipping without a bucket, and reading S3 errors. */
final class BucketChecks {

    private BucketChecks() {
    }

    static Optional<CheckResult> skipWithoutBucket(DoctorContext ctx, String name) {
        if (ctx.bucket().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(CheckResult.skip(name, ctx.store().isPresent()
                ? "the store is a local directory: bucket settings apply to s3:// stores"
                : "no --store given"));
    }

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
