package io.auditdrain.digester.aws;

import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.ObjectKeyRange;
import io.auditdrain.digest.Sha256;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.digester.ArchiveBucket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The bucket through the S3 API: ListObjectVersions (every version and delete marker, so that nothing deleted or
 * overwritten escapes a digest), GetObject of a given version (whose answer describes the bytes hashed), and
 * PutObject with {@code If-None-Match: *} under {@code digests/} only.
 */
public final class S3ArchiveBucket implements ArchiveBucket {

    /** How many keys {@link #firstKey} looks at before giving up on a prefix full of foreign names. */
    private static final int FIRST_KEY_SCAN = 10_000;
    /**
     * Oldest first. S3 lists a key's versions newest first and its LastModified has whole seconds, so entries are
     * put in front as listed and sorted stably: of two written in the same second, the order S3 gave is kept, and
     * the one S3 calls latest comes last.
     */
    private static final Comparator<Entry> OLDEST_FIRST = Comparator.comparing((Entry e) -> e.version().storedAt())
            .thenComparing(Entry::latest);

    private record Entry(StoredVersion version, boolean latest) {
    }

    private final S3Client s3;
    private final String bucket;

    public S3ArchiveBucket(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public List<String> appNames() {
        List<String> names = new ArrayList<>();
        ListObjectVersionsRequest request = ListObjectVersionsRequest.builder().bucket(bucket)
                .prefix(ObjectKeyLayout.ROOT).delimiter("/").build();
        // The history, not a plain listing: an app whose every object was deleted still has its chain continued.
        for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(request)) {
            for (CommonPrefix p : page.commonPrefixes()) {
                String name = p.prefix().substring(ObjectKeyLayout.ROOT.length());
                name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Override
    public List<StoredVersion> versions(String prefix, String after, String before) {
        Map<String, List<Entry>> byKey = new TreeMap<>();
        ListObjectVersionsRequest request = ListObjectVersionsRequest.builder().bucket(bucket)
                .prefix(ObjectKeyRange.listingPrefix(prefix, after, before)).build();
        pages:
        for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(request)) {
            boolean past = false;
            for (ObjectVersion v : page.versions()) {
                if (v.key().compareTo(before) >= 0) {
                    past = true;
                } else if (v.key().compareTo(after) > 0) {
                    byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(0, new Entry(new StoredVersion(v.key(),
                            v.versionId(), v.lastModified(), false), Boolean.TRUE.equals(v.isLatest())));
                }
            }
            for (DeleteMarkerEntry m : page.deleteMarkers()) {
                if (m.key().compareTo(before) >= 0) {
                    past = true;
                } else if (m.key().compareTo(after) > 0) {
                    byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(0, new Entry(new StoredVersion(m.key(),
                            m.versionId(), m.lastModified(), true), Boolean.TRUE.equals(m.isLatest())));
                }
            }
            if (past) {
                break pages;
            }
        }
        List<StoredVersion> versions = new ArrayList<>();
        for (List<Entry> history : byKey.values()) {
            history.sort(OLDEST_FIRST);
            history.forEach(e -> versions.add(e.version()));
        }
        return versions;
    }

    @Override
    public Optional<String> firstKey(String prefix, Predicate<String> accept) {
        int seen = 0;
        ListObjectVersionsRequest request = ListObjectVersionsRequest.builder().bucket(bucket).prefix(prefix).build();
        for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(request)) {
            TreeSet<String> keys = new TreeSet<>();
            page.versions().forEach(v -> keys.add(v.key()));
            page.deleteMarkers().forEach(m -> keys.add(m.key()));
            for (String key : keys) {
                if (accept.test(key)) {
                    return Optional.of(key);
                }
                if (++seen >= FIRST_KEY_SCAN) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public HashedObject hash(String key, String versionId) {
        MessageDigest sha256 = Sha256.newDigest();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key)
                .versionId(versionId))) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
                size += n;
            }
            GetObjectResponse response = in.response();
            return new HashedObject(response.versionId(), size, Sha256.toHex(sha256.digest()),
                    response.lastModified());
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key + " version " + versionId + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String key, String versionId) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).versionId(versionId)).asByteArray();
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
