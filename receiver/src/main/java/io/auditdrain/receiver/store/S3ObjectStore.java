package io.auditdrain.receiver.store;

import io.auditdrain.receiver.Deadline;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes objects with {@code If-None-Match: *}, so that a retried batch (same key) never creates a second object or
 * version: S3 answers 412 and the batch counts as stored. Each PUT carries a CRC32C checksum that S3 verifies.
 */
public final class S3ObjectStore implements ObjectStore {

    /** A concurrent conditional write to the same key (409) is retried this many times before giving up. */
    private static final int CONFLICT_ATTEMPTS = 3;

    private final S3Client s3;
    private final String bucket;

    public S3ObjectStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public PutOutcome put(DrainObject object, Deadline deadline) {
        byte[] gzip = object.gzip();
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(object.key().toString())
                .ifNoneMatch("*")
                .contentType(DrainObject.CONTENT_TYPE)
                .contentEncoding(DrainObject.CONTENT_ENCODING)
                .contentLength((long) gzip.length)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .checksumCRC32C(crc32c(gzip))
                .metadata(metadata(object));
        for (int attempt = 1; ; attempt++) {
            if (deadline.tooCloseForACall()) {
                throw new StoreException("S3 PutObject " + object.key() + ": no time left in the request", null);
            }
            try {
                // The whole call, the SDK's retries included, gets only what is left of the request's deadline.
                Duration left = deadline.remaining();
                s3.putObject(request.overrideConfiguration(o -> o.apiCallTimeout(left)).build(), RequestBody.fromContentProvider(() -> new ByteArrayInputStream(gzip),
                        gzip.length, DrainObject.CONTENT_TYPE));
                return PutOutcome.WRITTEN;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return PutOutcome.ALREADY_STORED;
                }
                if (e.statusCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
                    continue;
                }
                throw new StoreException("S3 PutObject " + object.key() + " failed: " + e.statusCode() + " "
                        + e.awsErrorDetails().errorCode(), e);
            } catch (SdkException e) {
                throw new StoreException("S3 PutObject " + object.key() + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket;
    }

    private static Map<String, String> metadata(DrainObject object) {
        Map<String, String> metadata = new HashMap<>(8);
        metadata.put("message-count", Integer.toString(object.messageCount()));
        metadata.put("malformed-count", Integer.toString(object.malformedCount()));
        if (object.frameId() != null) {
            metadata.put("frame-id", object.frameId());
        }
        if (object.drainToken() != null) {
            metadata.put("drain-token", object.drainToken());
        }
        return metadata;
    }

    private static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
