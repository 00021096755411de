package io.auditdrain.receiver.store;

import io.auditdrain.receiver.Deadline;
import io.auditdrain.core.ObjectKeyLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Objects as files under a directory that mirrors the key layout ({@code <root>/logs/<app>/YYYY/MM/DD/...gz}): the
 * embedded default, needing no AWS. A file is written and fsynced under a temporary name in {@code <root>/.tmp/},
 * outside the key space (on the same file system), then linked to its key's name, which fails if that name exists:
 * like S3's {@code If-None-Match: *}, a retry never overwrites. So {@code logs/} only ever holds whole objects.
 *
 * <p>A process killed between the write and the link leaves a temp file whose batch was never acknowledged (Logplex
 * retries it). A temp file's name carries its writer's process id and start time, so a store opening the directory
 * removes at once those whose writer is no longer running on this machine (the local server killed with requests in
 * flight, then restarted); those of a live writer are kept, and any other temp file (another machine's on a shared
 * directory, an older version's) is removed once older than {@link #STALE_TEMP_AGE}.
 */
public final class DirectoryObjectStore implements ObjectStore {

    static final String TEMP_DIR = ".tmp";
    static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);
    /** {@code .<name>.<pid>-<process start in ms>-<uuid>.tmp}: who writes it. */
    private static final Pattern OWNED_TEMP = Pattern.compile("\\..+\\.(\\d{1,19})-(\\d{1,19})-[0-9a-f-]{36}\\.tmp");
    private static final String OWNER = ProcessHandle.current().pid() + "-"
            + ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);

    private final Path root;
    private final Path temp;

    public DirectoryObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.temp = this.root.resolve(TEMP_DIR);
        sweepStaleTempFiles();
    }

    /** Temp files left by a killed process; how many were removed. */
    int sweepStaleTempFiles() {
        Instant staleBefore = Instant.now().minus(STALE_TEMP_AGE);
        int removed = 0;
        for (Path dir : List.of(temp, root.resolve(ObjectKeyLayout.ROOT))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)
                            && (writerGone(name) || Files.getLastModifiedTime(p).toInstant().isBefore(staleBefore))) {
                        Files.deleteIfExists(p);
                        removed++;
                    }
                }
            } catch (IOException e) {
                // best effort: a temp file left behind is outside the key space (or ignored by readers)
            }
        }
        return removed;
    }

    /** The temp name a file is written under before it is linked to {@code name}: hidden, naming its writer. */
    static String tempName(String name) {
        return "." + name + "." + OWNER + "-" + UUID.randomUUID() + ".tmp";
    }

    /** Whether the temp file's name says it was written by a process of this machine that is no longer running. */
    static boolean writerGone(String name) {
        Matcher m = OWNED_TEMP.matcher(name);
        if (!m.matches()) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(m.group(1));
            started = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> writer = ProcessHandle.of(pid);
        // The same pid with another start time is another process: the writer is gone.
        return writer.isEmpty() || !writer.get().isAlive() || writer.get().info().startInstant()
                .map(t -> t.toEpochMilli() != started).orElse(false);
    }

    @Override
    public PutOutcome put(DrainObject object, Deadline deadline) {
        Path target = root.resolve(object.key().toString()).normalize();
        if (!target.startsWith(root)) {
            throw new StoreException("key escapes the store directory: " + object.key(), null);
        }
        Path dir = target.getParent();
        Path temp = this.temp.resolve(tempName(target.getFileName().toString()));
        try {
            Files.createDirectories(dir);
            Files.createDirectories(this.temp);
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
                // a stray temp file is outside the key space; the next store to open the directory removes it
            }
        }
    }

    /** Writes, fsyncs and removes a file where objects are written first: the directory takes writes. */
    @Override
    public void probe(Deadline deadline) {
        Path probe = temp.resolve(tempName("probe"));
        try {
            Files.createDirectories(temp);
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                channel.force(true);
            }
        } catch (IOException e) {
            throw new StoreException("cannot write in " + root + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // swept later
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
