package io.auditdrain.verifier.proof;

import io.auditdrain.core.ProofKey;
import io.auditdrain.digest.Sha256;
import java.util.Base64;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Run records in the bucket, written with {@code If-None-Match: *} (the role may not write without it) and an
 * {@code x-amz-checksum-sha256} that S3 verifies and keeps: the same SHA-256 that an attestation and a digest name.
 *
 * <p>A 412 means an object already holds the key. The key carries a fresh random id, so that is either someone else's
 * object or a retried PUT whose first attempt landed; the role cannot read the key back to tell, so the record is
 * reported missing (the attestation later shows what the key holds).
 */
final class S3ProofRecordStore implements ProofRecordStore {

    /** A concurrent conditional write to the same key (409) is retried this many times, as the receiver does. */
    private static final int CONFLICT_ATTEMPTS = 3;

    private final S3Client s3;
    private final String bucket;

    S3ProofRecordStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public WriteResult create(ProofKey key, byte[] record) {
        String k = key.toString();
        byte[] hash = Sha256.newDigest().digest(record);
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(k)
                .ifNoneMatch("*")
                .contentType(ProofRecordJson.CONTENT_TYPE)
                .contentLength((long) record.length)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumSHA256(Base64.getEncoder().encodeToString(hash))
                .build();
        String sha256 = Sha256.toHex(hash);
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(request, RequestBody.fromBytes(record));
                return new WriteResult(k, sha256, null);
            } catch (S3Exception e) {
                if (e.statusCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
                    continue;
                }
                String code = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
                String problem = e.statusCode() == 412
                        ? "an object already holds s3://" + bucket + "/" + k + " (412 PreconditionFailed): this run's"
                                + " record is not confirmed"
                        : "S3 refused the record s3://" + bucket + "/" + k + ": " + e.statusCode() + code;
                return new WriteResult(k, sha256, problem);
            } catch (SdkException e) {
                return new WriteResult(k, sha256, "could not write the record s3://" + bucket + "/" + k + ": "
                        + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
