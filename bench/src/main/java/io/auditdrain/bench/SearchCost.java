package io.auditdrain.bench;

import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.ingest.BatchEncoder;
import io.auditdrain.receiver.ingest.EncodedBatch;
import io.auditdrain.receiver.store.DirectoryObjectStore;
import io.auditdrain.receiver.store.DrainObject;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.search.ArchiveSearch;
import io.auditdrain.verifier.store.DirectoryArchiveReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code verifier search} costs per object it reads, against {@code zcat | grep} over the same objects, in the
 * same run: N objects of realistic traffic (about 100 KB of lines each, gzip level 6), written by the receiver's
 * encoder and directory store; the search asks for the statements that write customer_audit_events, grep for the
 * lines that name it. Both read every object of the range once, from the page cache after a first pass. Reported:
 * wall time and CPU time per object (the search's thread CPU; for the shell pipeline its children's user+system
 * time), the median of several runs, and how many each found (grep counts lines, so a statement split into chunks
 * is missed or counted in pieces; search joins them).
 * Run: java -cp bench.jar io.auditdrain.bench.SearchCost [objects] [runs]   (default 1000 5)
 */
public final class SearchCost {

    private static final String APP = "bench-app";
    private static final String TABLE = "customer_audit_events";

    private SearchCost() {
    }

    private record Measure(double wallMs, double cpuMs, long found) {
    }

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("search-cost-");
        try {
            long rawBytes = write(dir, objects);
            long storedBytes;
            try (Stream<Path> files = Files.walk(dir)) {
                storedBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            System.out.printf("search cost per object: %d objects, %.1f MB of lines, %.1f MB stored (gzip 6)%n",
                    objects, rawBytes / 1e6, storedBytes / 1e6);
            // Warm up both (JIT for the search; page cache and binaries for the pipeline).
            search(dir);
            search(dir);
            zcatGrep(dir);
            List<Measure> ours = new ArrayList<>();
            List<Measure> theirs = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                ours.add(search(dir));
                theirs.add(zcatGrep(dir));
            }
            Measure s = median(ours);
            Measure z = median(theirs);
            System.out.printf("  %-34s %8.1f us wall, %8.1f us CPU per object; found %d statements%n",
                    "verifier search --table " + TABLE, 1000 * s.wallMs() / objects, 1000 * s.cpuMs() / objects,
                    s.found());
            System.out.printf("  %-34s %8.1f us wall, %8.1f us CPU per object; found %d lines%n",
                    "zcat | grep -F " + TABLE, 1000 * z.wallMs() / objects, 1000 * z.cpuMs() / objects, z.found());
            System.out.printf("  ratio (search / zcat | grep): %.2fx wall, %.2fx CPU (median of %d runs)%n",
                    s.wallMs() / z.wallMs(), s.cpuMs() / z.cpuMs(), runs);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** N objects as the receiver stores them; returns the bytes of lines they hold. */
    private static long write(Path dir, int objects) {
        DirectoryObjectStore store = new DirectoryObjectStore(dir);
        BatchEncoder encoder = new BatchEncoder(6);
        long raw = 0;
        for (int i = 0; i < objects; i++) {
            byte[] body = RealisticTraffic.body(100 * 1024, i);
            raw += body.length;
            EncodedBatch batch = encoder.encode(body, new BatchEncoder.BatchContext(APP, String.format("%032x", i),
                    null));
            for (DrainObject o : batch.objects()) {
                store.put(o, Deadline.after(Duration.ofMinutes(1)));
            }
        }
        return raw;
    }

    private static Measure search(Path dir) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        long[] found = {0};
        try (DirectoryArchiveReader store = new DirectoryArchiveReader(dir)) {
            new ArchiveSearch(store, APP, ArchiveSearch.Progress.NONE).search(new ArchiveSearch.Criteria(
                    Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"),
                    Optional.of(SqlIdentifier.of(TABLE)), Optional.empty(), Optional.empty(), Duration.ofMinutes(5)),
                    m -> found[0]++);
        }
        return new Measure((System.nanoTime() - started) / 1e6, (threads.getCurrentThreadCpuTime() - cpu) / 1e6,
                found[0]);
    }

    /** {@code zcat | grep -c}, timed by bash: wall from here, CPU from {@code times} (the children's user+sys). */
    private static Measure zcatGrep(Path dir) throws IOException, InterruptedException {
        String script = "find \"$1\" -name '*.gz' -print0 | xargs -0 zcat | grep -c -F " + TABLE + "; times";
        long started = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", script, "bash", dir.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("zcat | grep failed: " + out);
        }
        double wall = (System.nanoTime() - started) / 1e6;
        List<String> lines = Arrays.stream(out.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
        long count = Long.parseLong(lines.get(0));
        // times: the shell's user/sys, then its children's: "0m1.234s 0m0.456s"
        String[] children = lines.get(lines.size() - 1).split("\\s+");
        return new Measure(wall, seconds(children[0]) * 1000 + seconds(children[1]) * 1000, count);
    }

    private static double seconds(String bashTime) {
        int m = bashTime.indexOf('m');
        return Integer.parseInt(bashTime.substring(0, m)) * 60 + Double.parseDouble(bashTime.substring(m + 1,
                bashTime.length() - 1));
    }

    private static Measure median(List<Measure> measures) {
        List<Measure> byWall = measures.stream().sorted(Comparator.comparingDouble(Measure::wallMs)).toList();
        List<Measure> byCpu = measures.stream().sorted(Comparator.comparingDouble(Measure::cpuMs)).toList();
        return new Measure(byWall.get(byWall.size() / 2).wallMs(), byCpu.get(byCpu.size() / 2).cpuMs(),
                byWall.get(0).found());
    }
}
