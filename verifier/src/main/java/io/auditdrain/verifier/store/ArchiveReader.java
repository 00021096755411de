package io.auditdrain.verifier.store;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Read access to drained objects, in an S3 bucket or a local directory that mirrors the key layout. */
public interface ArchiveReader extends AutoCloseable {

    /**
     * The objects whose key starts with {@code prefix} and sorts after {@code startAfter}, in key order, every page of
     * them. {@code startAfter} must itself start with {@code prefix}: a reader never lists a whole day.
     */
    List<StoredObject> listAfter(String prefix, String startAfter);

    /**
     * The version history of the keys under {@code prefix} that sort after {@code startAfter} and before
     * {@code before}: every version and delete marker, in key order and oldest first within a key. A store without
     * versions lists each file as its one version.
     */
    List<StoredVersion> listVersions(String prefix, String startAfter, String before);

    /** The object's bytes as stored. */
    byte[] read(String key);

    /** The object's current bytes, with the version they are (to compare with a digest's entry). */
    VersionedObject readCurrent(String key);

    /**
     * The bytes of one version of an object, or empty when that version no longer exists (deleted for good, or a
     * store without versions).
     */
    Optional<byte[]> readVersion(String key, String versionId);

    /**
     * The objects of {@code app} that hold a message stamped at {@code from} or later, for each UTC day from
     * {@code from}'s to {@code to}'s, in key order. Keys sort by the newest message they hold (docs/contracts.md), so
     * only the keys after {@code from} are listed on its day, never the whole day.
     */
    default List<StoredObject> listStamped(String app, Instant from, Instant to) {
        List<StoredObject> objects = new ArrayList<>();
        List<LocalDate> days = ObjectKeyLayout.days(from, to);
        for (int d = 0; d < days.size(); d++) {
            String prefix = ObjectKeyLayout.dayPrefix(app, days.get(d));
            objects.addAll(listAfter(prefix, d == 0 ? ObjectKeyLayout.startAfter(app, from) : prefix));
        }
        return objects;
    }

    /**
     * The drained messages of an object, one per line as the receiver wrote them. Objects are gzip; an HTTP layer that
     * already undid the {@code Content-Encoding: gzip} hands over plain lines, which are read as they are.
     *
     * @throws io.auditdrain.core.CorruptObjectException when the gzip is damaged
     */
    default List<String> readMessages(String key) {
        byte[] stored = read(key);
        boolean gzip = stored.length >= 2 && (stored[0] & 0xff) == 0x1f && (stored[1] & 0xff) == 0x8b;
        return LineCodec.decodeAllUtf8(gzip ? GzipDecoder.decode(stored) : stored);
    }

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
