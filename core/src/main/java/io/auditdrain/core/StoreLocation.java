package io.auditdrain.core;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where objects live, as written in configuration: {@code s3://<bucket>} or {@code file:<directory>}. Both the
 * receiver (writing) and the verifier (reading) take this form.
 */
public sealed interface StoreLocation {

    /** An S3 bucket; keys start at its root with {@link ObjectKeyLayout#ROOT}. */
    record S3Bucket(String bucket) implements StoreLocation {
        private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

        public S3Bucket {
            if (bucket == null || !VALID.matcher(bucket).matches() || bucket.contains("..")) {
                throw new IllegalArgumentException("not a valid S3 bucket name: " + bucket);
            }
        }

        @Override
        public String toString() {
            return "s3://" + bucket;
        }
    }

    /** A local directory that mirrors the key layout ({@code <directory>/logs/<app>/...}). */
    record Directory(Path path) implements StoreLocation {
        @Override
        public String toString() {
            return "file:" + path;
        }
    }

    static StoreLocation parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a store is required: s3://<bucket> or file:<directory>");
        }
        if (value.startsWith("s3://")) {
            String bucket = value.substring("s3://".length());
            if (bucket.endsWith("/")) {
                bucket = bucket.substring(0, bucket.length() - 1);
            }
            return new S3Bucket(bucket);
        }
        if (value.startsWith("file:")) {
            String path = value.substring("file:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isBlank()) {
                throw new IllegalArgumentException("file: needs a directory, e.g. file:./drained");
            }
            return new Directory(Path.of(path));
        }
        throw new IllegalArgumentException("store must be s3://<bucket> or file:<directory>, was: " + value);
    }
}
