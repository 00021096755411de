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

    /** Where the health path's probe writes, once: under logs/ (the only place the role may write), in no app. */
    public static final String PROBE_KEY = "logs/_health/probe";
    private static final byte[] PROBE_BODY = "auditdrain receiver: the health check's write probe\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

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
        return putNew(object.key().toString(), object.gzip(), DrainObject.CONTENT_ENCODING, metadata(object), deadline);
    }

    /**
     * Writes (once) {@link #PROBE_KEY} the way every object is written, so the health path knows a PUT works: the
     * bucket is there, the role's credentials and permissions are good. Its name is no app's ({@code _} is not allowed
     * in one), so no reader of an app's objects sees it. After the first write S3 answers 412, which stores nothing.
     */
    @Override
    public void probe(Deadline deadline) {
        putNew(PROBE_KEY, PROBE_BODY, null, Map.of(), deadline);
    }

    /** A PUT that can only create: {@code If-None-Match: *}, with a CRC32C checksum that S3 verifies. */
    private PutOutcome putNew(String key, byte[] bytes, String contentEncoding, Map<String, String> metadata,
                              Deadline deadline) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .ifNoneMatch("*")
                .contentType(DrainObject.CONTENT_TYPE)
                .contentEncoding(contentEncoding)
                .contentLength((long) bytes.length)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .checksumCRC32C(crc32c(bytes))
                .metadata(metadata);
        for (int attempt = 1; ; attempt++) {
            if (deadline.tooCloseForACall()) {
                throw new StoreException("S3 PutObject " + key + ": no time left in the request", null);
            }
            try {
                // The whole call, the SDK's retries included, gets only what is left of the request's deadline.
                Duration left = deadline.remaining();
                s3.putObject(request.overrideConfiguration(o -> o.apiCallTimeout(left)).build(),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length,
                                DrainObject.CONTENT_TYPE));
                return PutOutcome.WRITTEN;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return PutOutcome.ALREADY_STORED;
                }
                if (e.statusCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
                    continue;
                }
                throw new StoreException("S3 PutObject " + key + " failed: " + e.statusCode() + " "
                        + e.awsErrorDetails().errorCode(), e);
            } catch (SdkException e) {
                throw new StoreException("S3 PutObject " + key + " failed: " + e.getMessage(), e);
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
