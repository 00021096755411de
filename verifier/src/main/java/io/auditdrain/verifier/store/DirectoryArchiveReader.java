package io.auditdrain.verifier.store;

import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.digest.DigestLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Drained objects in a local directory that mirrors the key layout ({@code <dir>/logs/<app>/<YYYY>/<MM>/<DD>/...}),
 * as the local receiver writes them, or a copy of a bucket ({@code aws s3 sync}, digests and run records included). A
 * directory cannot be listed from a key onwards, so one day's directory is read and filtered; keys come only from
 * {@link ObjectKeyLayout}, {@link DigestLayout} and {@link ProofKeyLayout}, so no path leaves the directory.
 */
public final class DirectoryArchiveReader implements ArchiveReader {

    private final Path root;

    public DirectoryArchiveReader(Path root) {
        this.root = root;
    }

    @Override
    public List<StoredObject> listAfter(String prefix, String startAfter) {
        if (startAfter == null || !startAfter.startsWith(prefix) || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("startAfter must lie under the directory prefix " + prefix);
        }
        Path dir = resolve(prefix);
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                String key = prefix + p.getFileName();
                if (key.compareTo(startAfter) > 0 && Files.isRegularFile(p) && isKey(key)) {
                    Instant modified = Files.getLastModifiedTime(p).toInstant();
                    objects.add(new StoredObject(key, modified));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ArchiveReadException("could not list " + dir + ": " + e.getMessage(), e);
        }
        return objects;
    }

    /**
     * A directory keeps no history: each file is its key's one version. Like S3's listing, the prefix may be a day's
     * or a month's: the files under it are listed at any depth, in key order.
     */
    @Override
    public List<StoredVersion> listVersions(String prefix, String startAfter, String before) {
        if (startAfter == null || !startAfter.startsWith(prefix) || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("startAfter must lie under the directory prefix " + prefix);
        }
        Path dir = resolve(prefix);
        List<StoredVersion> versions = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> keys = files.filter(Files::isRegularFile)
                    .map(p -> prefix + dir.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
                    .filter(k -> k.compareTo(startAfter) > 0 && k.compareTo(before) < 0 && isKey(k))
                    .sorted().toList();
            for (String key : keys) {
                versions.add(new StoredVersion(key, null, Files.getLastModifiedTime(resolve(key)).toInstant(),
                        false));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ArchiveReadException("could not list " + dir + ": " + e.getMessage(), e);
        }
        return versions;
    }

    /**
     * Hidden files (a temp file of an older receiver, say) are never objects; under {@code logs/} only the keys the
     * receiver writes are, under {@code proof/} only run records. Other prefixes (the digests') hold files of their
     * own layout.
     */
    private static boolean isKey(String key) {
        if (key.substring(key.lastIndexOf('/') + 1).startsWith(".")) {
            return false;
        }
        try {
            if (key.startsWith(ObjectKeyLayout.ROOT)) {
                ObjectKeyLayout.parse(key);
            } else if (key.startsWith(ProofKeyLayout.ROOT)) {
                ProofKeyLayout.parse(key);
            }
            return true;
        } catch (InvalidObjectKeyException e) {
            return false;
        }
    }

    @Override
    public byte[] read(String key) {
        try {
            return Files.readAllBytes(resolve(key));
        } catch (IOException e) {
            throw new ArchiveReadException("could not read " + resolve(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public VersionedObject readCurrent(String key) {
        Path file = resolve(key);
        try {
            return new VersionedObject(Files.readAllBytes(file), null, Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            throw new ArchiveReadException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A directory keeps no versions: a version other than the file itself cannot be read. */
    @Override
    public Optional<byte[]> readVersion(String key, String versionId) {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public void close() {
        // nothing held open
    }

    private Path resolve(String key) {
        boolean underRoot = key.startsWith(ObjectKeyLayout.ROOT) || key.startsWith(DigestLayout.ROOT)
                || key.startsWith(ProofKeyLayout.ROOT);
        if (!underRoot || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("not a key of the layout: " + key);
        }
        return root.resolve(key);
    }
}
