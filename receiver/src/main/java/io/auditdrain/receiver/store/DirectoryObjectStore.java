package io.auditdrain.receiver.store;

import io.auditdrain.receiver.Deadline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Objects as files under a directory that mirrors the key layout ({@code <root>/logs/<app>/YYYY/MM/DD/...gz}): the
 * embedded default, needing no AWS. A file is written and fsynced under a temporary name, then linked to its key's
 * name, which fails if that name exists: like S3's {@code If-None-Match: *}, a retry never overwrites.
 */
public final class DirectoryObjectStore implements ObjectStore {

    private final Path root;

    public DirectoryObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public PutOutcome put(DrainObject object, Deadline deadline) {
        Path target = root.resolve(object.key().toString()).normalize();
        if (!target.startsWith(root)) {
            throw new StoreException("key escapes the store directory: " + object.key(), null);
        }
        Path dir = target.getParent();
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            if (Files.exists(target)) {
                return PutOutcome.ALREADY_STORED;
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(object.gzip());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            PutOutcome outcome = linkWithoutOverwrite(temp, target);
            syncDirectory(dir);
            return outcome;
        } catch (IOException e) {
            throw new StoreException("cannot write " + target + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stray temp file is harmless: readers only look at *.gz names
            }
        }
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    private static PutOutcome linkWithoutOverwrite(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            return PutOutcome.WRITTEN;
        } catch (FileAlreadyExistsException e) {
            return PutOutcome.ALREADY_STORED;
        } catch (UnsupportedOperationException e) {
            try {
                Files.move(temp, target);
                return PutOutcome.WRITTEN;
            } catch (FileAlreadyExistsException exists) {
                return PutOutcome.ALREADY_STORED;
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the file itself is synced.
        }
    }
}
