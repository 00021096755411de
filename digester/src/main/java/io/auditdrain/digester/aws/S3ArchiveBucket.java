package io.auditdrain.digester.aws;

import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.Sha256;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.digester.ArchiveBucket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bucket through the S3 API: ListObjectsV2 (which lists current versions only, so a deleted object is absent),
 * GetObject (whose answer names the version it returned), and PutObject with {@code If-None-Match: *} under
 * {@code digests/} only.
 */
public final class S3ArchiveBucket implements ArchiveBucket {

    /** How many keys {@link #firstKey} looks at before giving up on a prefix full of foreign names. */
    private static final int FIRST_KEY_SCAN = 10_000;

    private final S3Client s3;
    private final String bucket;

    public S3ArchiveBucket(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public List<String> appNames() {
        List<String> names = new ArrayList<>();
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket)
                .prefix(ObjectKeyLayout.ROOT).delimiter("/");
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request.build())) {
            for (CommonPrefix p : page.commonPrefixes()) {
                String name = p.prefix().substring(ObjectKeyLayout.ROOT.length());
                names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
            }
        }
        return names;
    }

    @Override
    public List<ListedObject> currentObjects(String prefix, String after, String before) {
        List<ListedObject> objects = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)
                .startAfter(after))) {
            for (S3Object o : page.contents()) {
                if (o.key().compareTo(before) >= 0) {
                    return objects;
                }
                if (o.key().compareTo(after) > 0) {
                    objects.add(new ListedObject(o.key(), o.lastModified()));
                }
            }
        }
        return objects;
    }

    @Override
    public Optional<String> firstKey(String prefix, Predicate<String> accept) {
        int seen = 0;
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))) {
            for (S3Object o : page.contents()) {
                if (accept.test(o.key())) {
                    return Optional.of(o.key());
                }
                if (++seen >= FIRST_KEY_SCAN) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<ListedObject> list(String prefix) {
        List<ListedObject> objects = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))) {
            for (S3Object o : page.contents()) {
                objects.add(new ListedObject(o.key(), o.lastModified()));
            }
        }
        return objects;
    }

    @Override
    public boolean any(String prefix) {
        return !s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).maxKeys(1)).contents().isEmpty();
    }

    @Override
    public HashedObject hash(String key) {
        MessageDigest sha256 = Sha256.newDigest();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
                size += n;
            }
            GetObjectResponse response = in.response();
            return new HashedObject(response.versionId(), size, Sha256.toHex(sha256.digest()),
                    response.lastModified());
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    }

    @Override
    public boolean putDigest(String key, byte[] content) {
        if (!DigestLayout.isDigestKey(key)) {
            throw new IllegalArgumentException("the digester writes only digest keys: " + key);
        }
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*").contentType(SignedDigest.CONTENT_TYPE)
                            .contentLength((long) content.length).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                            .checksumSHA256(Base64.getEncoder().encodeToString(
                                    Sha256.newDigest().digest(content))),
                    RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                return false;
            }
            throw e;
        }
    }
}
