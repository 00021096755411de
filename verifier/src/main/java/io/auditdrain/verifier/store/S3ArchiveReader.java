package io.auditdrain.verifier.store;

import io.auditdrain.digest.ObjectKeyRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Drained objects in an S3 bucket, listed with ListObjectsV2 and {@code StartAfter}, and their version histories
 * with ListObjectVersions (which needs {@code s3:ListBucketVersions}; reading a version needs
 * {@code s3:GetObjectVersion}).
 */
public final class S3ArchiveReader implements ArchiveReader {

    private final S3Client s3;
    private final String bucket;
    private final int pageSize;
    private final Map<String, CompletableFuture<Optional<byte[]>>> sharedVersions = new ConcurrentHashMap<>();
    private volatile Predicate<String> shared = key -> false;

    public S3ArchiveReader(S3Client s3, String bucket) {
        this(s3, bucket, 1000);
    }

    /** @param pageSize keys per ListObjectsV2 page (1..1000); small values exercise pagination in tests */
    public S3ArchiveReader(S3Client s3, String bucket, int pageSize) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("page size must be 1..1000: " + pageSize);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.pageSize = pageSize;
    }

    public S3Client client() {
        return s3;
    }

    /**
     * From now on, a version of a key {@code keys} accepts is fetched once, whoever asks, and kept until
     * {@link #close}: a version's bytes never change. attest shares its run records' versions, which its integrity
     * part hashes and its records part parses at the same time (a quarter is some 9,000 records of 2 to 5 KB).
     */
    public void shareVersionReads(Predicate<String> keys) {
        shared = keys;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public List<StoredObject> listAfter(String prefix, String startAfter) {
        if (startAfter == null || !startAfter.startsWith(prefix)) {
            throw new IllegalArgumentException("startAfter must lie under the prefix " + prefix);
        }
        List<StoredObject> objects = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
                        .maxKeys(pageSize);
                // S3 ignores StartAfter once a continuation token is given; send one or the other.
                request = token == null ? request.startAfter(startAfter) : request.continuationToken(token);
                ListObjectsV2Response page = s3.listObjectsV2(request.build());
                for (S3Object o : page.contents()) {
                    objects.add(new StoredObject(o.key(), o.lastModified()));
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw failure("list s3://" + bucket + "/" + prefix, e);
        }
        return objects;
    }

    @Override
    public List<StoredVersion> listVersions(String prefix, String startAfter, String before) {
        if (startAfter == null || !startAfter.startsWith(prefix)) {
            throw new IllegalArgumentException("startAfter must lie under the prefix " + prefix);
        }
        record Entry(StoredVersion version, boolean latest) {
        }
        Map<String, List<Entry>> byKey = new TreeMap<>();
        // Narrowed to the range's shared digits rather than a KeyMarker: see ObjectKeyRange.listingPrefix.
        String listing = ObjectKeyRange.listingPrefix(prefix, startAfter, before);
        String keyMarker = null;
        String versionMarker = null;
        try {
            boolean more = true;
            while (more) {
                ListObjectVersionsRequest.Builder request = ListObjectVersionsRequest.builder().bucket(bucket)
                        .prefix(listing).maxKeys(pageSize);
                if (keyMarker != null) {
                    request.keyMarker(keyMarker).versionIdMarker(versionMarker);
                }
                ListObjectVersionsResponse page = s3.listObjectVersions(request.build());
                boolean past = false;
                for (ObjectVersion v : page.versions()) {
                    past |= v.key().compareTo(before) >= 0;
                    if (v.key().compareTo(startAfter) > 0 && v.key().compareTo(before) < 0) {
                        byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(0, new Entry(new StoredVersion(
                                v.key(), v.versionId(), v.lastModified(), false), Boolean.TRUE.equals(v.isLatest())));
                    }
                }
                for (DeleteMarkerEntry m : page.deleteMarkers()) {
                    past |= m.key().compareTo(before) >= 0;
                    if (m.key().compareTo(startAfter) > 0 && m.key().compareTo(before) < 0) {
                        byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(0, new Entry(new StoredVersion(
                                m.key(), m.versionId(), m.lastModified(), true), Boolean.TRUE.equals(m.isLatest())));
                    }
                }
                more = !past && Boolean.TRUE.equals(page.isTruncated());
                keyMarker = page.nextKeyMarker();
                versionMarker = page.nextVersionIdMarker();
            }
        } catch (SdkException e) {
            throw failure("list the versions under s3://" + bucket + "/" + listing, e);
        }
        List<StoredVersion> versions = new ArrayList<>();
        for (List<Entry> history : byKey.values()) {
            // Oldest first: put in front as S3 lists them (newest first), then sorted stably by their whole-second
            // time, the one S3 calls latest last.
            history.sort(Comparator.comparing((Entry e) -> e.version().storedAt()).thenComparing(Entry::latest));
            history.forEach(e -> versions.add(e.version()));
        }
        return versions;
    }

    @Override
    public byte[] read(String key) {
        try {
            return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray();
        } catch (SdkException e) {
            throw failure("read s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public VersionedObject readCurrent(String key) {
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket)
                    .key(key).build());
            return new VersionedObject(object.asByteArray(), object.response().versionId(),
                    object.response().lastModified());
        } catch (SdkException e) {
            throw failure("read s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public Optional<byte[]> readVersion(String key, String versionId) {
        if (versionId == null) {
            return Optional.empty();
        }
        if (!shared.test(key)) {
            return fetchVersion(key, versionId);
        }
        CompletableFuture<Optional<byte[]>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<byte[]>> first = sharedVersions.putIfAbsent(key + '\n' + versionId, mine);
        if (first != null) {
            try {
                return first.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Optional<byte[]> bytes = fetchVersion(key, versionId);
            mine.complete(bytes);
            return bytes;
        } catch (RuntimeException e) {
            sharedVersions.remove(key + '\n' + versionId, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Optional<byte[]> fetchVersion(String key, String versionId) {
        try {
            return Optional.of(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key)
                    .versionId(versionId).build()).asByteArray());
        } catch (S3Exception e) {
            // 404: no such key or version; 400: a version id this bucket never issued.
            if (e.statusCode() == 404 || e.statusCode() == 400) {
                return Optional.empty();
            }
            throw failure("read s3://" + bucket + "/" + key + " version " + versionId, e);
        } catch (SdkException e) {
            throw failure("read s3://" + bucket + "/" + key + " version " + versionId, e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket;
    }

    @Override
    public void close() {
        sharedVersions.clear();
        s3.close();
    }

    static ArchiveReadException failure(String what, SdkException e) {
        String reason = e instanceof S3Exception s3e && s3e.awsErrorDetails() != null
                ? s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")"
                : e.getMessage();
        return new ArchiveReadException("could not " + what + ": " + reason, e);
    }
}
