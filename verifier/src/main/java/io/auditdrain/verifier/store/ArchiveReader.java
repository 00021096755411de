package io.auditdrain.verifier.store;

import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import java.util.List;

/** Read access to drained objects, in an S3 bucket or a local directory that mirrors the key layout. */
public interface ArchiveReader extends AutoCloseable {

    /**
     * The objects whose key starts with {@code prefix} and sorts after {@code startAfter}, in key order, every page of
     * them. {@code startAfter} must itself start with {@code prefix}: a reader never lists a whole day.
     */
    List<StoredObject> listAfter(String prefix, String startAfter);

    /** The object's bytes as stored. */
    byte[] read(String key);

    /** The object's current bytes, with the version they are (to compare with a digest's entry). */
    VersionedObject readCurrent(String key);

    /**
     * The bytes of one version of an object, or empty when that version no longer exists (deleted for good, or a
     * store without versions).
     */
    java.util.Optional<byte[]> readVersion(String key, String versionId);

    /** {@code s3://bucket} or {@code file:dir}: for messages. */
    String describe();

    @Override
    void close();

    static ArchiveReader open(StoreLocation location, Environment env) {
        if (location instanceof StoreLocation.S3Bucket s3) {
            return new S3ArchiveReader(S3ClientConfig.fromEnvironment(env).build(), s3.bucket());
        }
        java.nio.file.Path dir = ((StoreLocation.Directory) location).path();
        // A directory that does not exist yet is a store with no objects yet (the receiver creates it on its first
        // write); anything else at that path is a mistake.
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new ConfigurationException("the store " + dir + " is not a directory");
        }
        return new DirectoryArchiveReader(dir);
    }
}
