package io.auditdrain.testing.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPU and memory of one execution environment, as Lambda sizes it, in a cgroup (v1, the {@code cpu} and {@code
 * memory} controllers): a CPU quota of {@code memory ÷ 1,769 MB} of one core (AWS: a function has the equivalent of
 * one vCPU at 1,769 MB, in proportion below and above), and a memory limit of the function's memory size, past which
 * the kernel kills the runtime as Lambda does.
 *
 * <p>Needs root and cgroup v1 with both controllers mounted under {@code /sys/fs/cgroup}. Where that is missing,
 * {@link #create} says so loudly, once, and returns nothing: the environment then runs on the host's full cores and
 * memory. Where it is there but a group cannot be made, that is an error, never a silent fallback.
 *
 * <p>Groups are removed on {@link #close}, by a shutdown hook when the JVM stops first (a test failed or was
 * interrupted), and, for a JVM that was killed outright, by the next JVM that creates one (groups are named after
 * the process that made them, and those of a process that no longer exists are swept).
 */
public final class LambdaCgroup implements AutoCloseable {

    /** The memory size at which a function has one full vCPU. */
    public static final int ONE_VCPU_MB = 1_769;
    /** The scheduler period the quota is a share of. */
    public static final long PERIOD_MICROS = 100_000;

    private static final Path ROOT = Path.of(System.getProperty("auditdrain.cgroup.root", "/sys/fs/cgroup"));
    private static final List<String> CONTROLLERS = List.of("cpu", "memory");
    private static final String PREFIX = "auditdrain-lambda-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    private static final Pattern OOM_KILLS = Pattern.compile("(?m)^oom_kill (\\d+)$");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<LambdaCgroup> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile Availability availability;

    static {
        // Every group still open when the JVM stops (a failed or interrupted test run) is removed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(LambdaCgroup::close),
                "lambda-cgroup-cleanup"));
    }

    private final String name;
    private final int memoryMb;
    private volatile boolean closed;

    private LambdaCgroup(String name, int memoryMb) {
        this.name = name;
        this.memoryMb = memoryMb;
    }

    /** Whether environments can be sized on this machine, and if not, why. */
    public record Availability(boolean available, String reason) {
    }

    /** The CPU quota per {@link #PERIOD_MICROS} for a function of {@code memoryMb}. */
    public static long quotaMicros(int memoryMb) {
        return Math.round(PERIOD_MICROS * (double) memoryMb / ONE_VCPU_MB);
    }

    /** What this machine offers, checked once. */
    public static synchronized Availability availability() {
        if (availability == null) {
            availability = probe();
            if (!availability.available()) {
                HarnessNotice.loudly("cgroups", "Lambda execution environments run UNSIZED: " + availability.reason()
                        + ". They get the host's full cores and memory instead of memory ÷ 1,769 MB of a vCPU and"
                        + " the memory size, so init, restore and request times here are faster than Lambda's and"
                        + " a function that exceeds its memory is not killed. Run as root on a machine with cgroup"
                        + " v1 (cpu and memory controllers) to size them.");
            }
        }
        return availability;
    }

    private static Availability probe() {
        for (String controller : CONTROLLERS) {
            Path dir = ROOT.resolve(controller);
            if (!Files.isDirectory(dir)) {
                return new Availability(false, "no cgroup v1 " + controller + " controller at " + dir
                        + " (cgroup v2 is not supported by this harness)");
            }
            if (!Files.isWritable(dir)) {
                return new Availability(false, dir + " is not writable (not root?)");
            }
        }
        if (!Files.exists(ROOT.resolve("cpu").resolve("cpu.cfs_quota_us"))) {
            return new Availability(false, "the cpu controller has no CFS quota (cpu.cfs_quota_us)");
        }
        return new Availability(true, "");
    }

    /**
     * A new group for a function of {@code memoryMb}, or nothing where this machine cannot size environments (said
     * loudly, once).
     *
     * @throws IllegalStateException when cgroups are there but the group cannot be made
     */
    public static Optional<LambdaCgroup> create(int memoryMb) {
        if (!availability().available()) {
            return Optional.empty();
        }
        sweepAbandoned();
        LambdaCgroup group = new LambdaCgroup(PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet(),
                memoryMb);
        try {
            for (String controller : CONTROLLERS) {
                Files.createDirectory(group.directory(controller));
            }
            OPEN.add(group);
            group.write("cpu", "cpu.cfs_period_us", Long.toString(PERIOD_MICROS));
            group.write("cpu", "cpu.cfs_quota_us", Long.toString(quotaMicros(memoryMb)));
            long bytes = memoryMb * 1024L * 1024L;
            group.write("memory", "memory.limit_in_bytes", Long.toString(bytes));
            if (Files.exists(group.directory("memory").resolve("memory.memsw.limit_in_bytes"))) {
                // Swap would let a function outgrow its memory instead of being killed: none, as in Lambda.
                group.write("memory", "memory.memsw.limit_in_bytes", Long.toString(bytes));
            }
            return Optional.of(group);
        } catch (IOException | UncheckedIOException e) {
            group.close();
            throw new IllegalStateException("cgroups are available but " + group.name + " could not be set up", e);
        }
    }

    public String name() {
        return name;
    }

    public int memoryMb() {
        return memoryMb;
    }

    /** The share of one core this group gets. */
    public double vcpus() {
        return quotaMicros(memoryMb) / (double) PERIOD_MICROS;
    }

    /** The files a process writes its pid to, to join the group (before it execs the runtime). */
    public List<Path> procsFiles() {
        return CONTROLLERS.stream().map(c -> directory(c).resolve("cgroup.procs")).toList();
    }

    /** How many processes of this group the kernel's OOM killer has killed so far. */
    public long oomKills() {
        String control = readQuietly("memory", "memory.oom_control");
        Matcher m = OOM_KILLS.matcher(control);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The most memory the group's processes used at once, in bytes (Lambda's "Max Memory Used"). */
    public long maxMemoryUsedBytes() {
        String value = readQuietly("memory", "memory.max_usage_in_bytes").strip();
        return value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /** Kills whatever is left in the group, waits for it to go, and removes the group. Never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        remove(name);
    }

    private Path directory(String controller) {
        return ROOT.resolve(controller).resolve(name);
    }

    private void write(String controller, String file, String value) throws IOException {
        Files.writeString(directory(controller).resolve(file), value);
    }

    private String readQuietly(String controller, String file) {
        try {
            return Files.readString(directory(controller).resolve(file));
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills the group's processes and removes its directories; a group that is already gone is fine. */
    private static void remove(String name) {
        for (String controller : CONTROLLERS) {
            Path dir = ROOT.resolve(controller).resolve(name);
            for (int attempt = 0; attempt < 50 && Files.isDirectory(dir); attempt++) {
                killTasks(dir);
                try {
                    Files.delete(dir); // rmdir: the kernel refuses while a task is left
                } catch (NoSuchFileException gone) {
                    break;
                } catch (IOException busy) {
                    sleep(100);
                }
            }
            if (Files.isDirectory(dir)) {
                System.err.println("LAMBDA HARNESS: could not remove cgroup " + dir + " (tasks left in it)");
            }
        }
    }

    private static void killTasks(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // the group or its task is already gone
        }
    }

    /** Removes groups whose creating JVM no longer exists (it was killed before it could clean up). */
    private static void sweepAbandoned() {
        for (String controller : CONTROLLERS) {
            try (DirectoryStream<Path> groups = Files.newDirectoryStream(ROOT.resolve(controller), PREFIX + "*")) {
                for (Path group : groups) {
                    Matcher m = NAME.matcher(group.getFileName().toString());
                    if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                        remove(group.getFileName().toString());
                    }
                }
            } catch (IOException ignored) {
                // nothing to sweep
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return String.format("%s (%d MB, %.2f vCPU)", name, memoryMb, vcpus());
    }
}
