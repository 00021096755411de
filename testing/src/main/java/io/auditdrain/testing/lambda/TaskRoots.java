package io.auditdrain.testing.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Deployment packages unzipped into task roots, once per package and JVM, and shared by that JVM's environments: a
 * shaded jar is some 10,000 files, seconds of writing each time, and a task root is read-only to the function (as
 * Lambda's {@code /var/task}). Removed when the JVM stops; those of a JVM that was killed are swept by the next.
 */
final class TaskRoots {

    private static final Pattern OWNER = Pattern.compile("tasks-(\\d+)");
    private static final Map<String, Path> UNZIPPED = new ConcurrentHashMap<>();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static volatile Path directory;

    private TaskRoots() {
    }

    /** The task root holding {@code deploymentPackage} unzipped (the package as it is now: size and time). */
    static Path of(Path deploymentPackage) throws IOException {
        Path archive = deploymentPackage.toAbsolutePath();
        String key = archive + "@" + Files.size(archive) + "@" + Files.getLastModifiedTime(archive).toMillis();
        try {
            return UNZIPPED.computeIfAbsent(key, k -> {
                try {
                    Path taskRoot = directory().resolve("task-" + SEQUENCE.incrementAndGet());
                    unzip(archive, Files.createDirectories(taskRoot));
                    return taskRoot;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static synchronized Path directory() throws IOException {
        if (directory == null) {
            Path parent = ExecutionSandbox.environmentsDirectory();
            sweepAbandoned(parent);
            directory = Files.createDirectories(parent.resolve("tasks-" + ProcessHandle.current().pid()));
            Path owned = directory;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(owned), "task-roots-cleanup"));
        }
        return directory;
    }

    private static void sweepAbandoned(Path parent) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, "tasks-*")) {
            for (Path dir : dirs) {
                Matcher m = OWNER.matcher(dir.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    deleteTree(dir);
                }
            }
        } catch (IOException ignored) {
            // nothing to sweep
        }
    }

    private static void unzip(Path archive, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(archive); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                }
            }
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
