package io.auditdrain.faults;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.ObjectKeyLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Everything stored under one app's prefix, read straight from the S3 server (not through the fault proxy): every
 * version of every key, and the lines of each key's current version, grouped by the batch marker they carry. A key
 * whose current version is a delete marker holds nothing.
 *
 * @param copies for each batch marker, each stored copy of its lines (one per key holding any of them)
 * @param versions how many object versions each key has (a second version is a retry that overwrote)
 * @param objects keys that hold an object now
 * @param overflowNotices stored Logplex L10 notices (the senders put them in front of retries)
 * @param unmarkedLines other lines without a batch marker (the suite sends none: a receiver that made one up)
 */
record ArchiveCensus(Map<String, List<Copy>> copies, Map<String, Integer> versions, int objects,
                     int overflowNotices, int unmarkedLines) {

    /** What Logplex writes in its L10 notice, and the suite's senders too. */
    static final String OVERFLOW_NOTICE = "Error L10 (output buffer overflow): ";

    private static final int READERS = 4;

    /** The lines of one batch found in one object, in the object's order. */
    record Copy(String key, List<String> lines) {
    }

    static ArchiveCensus take(S3Client s3, String bucket, String app) {
        Map<String, Integer> versions = new HashMap<>();
        Set<String> deleted = new HashSet<>();
        String prefix = ObjectKeyLayout.appPrefix(app);
        for (var page : s3.listObjectVersionsPaginator(r -> r.bucket(bucket).prefix(prefix))) {
            for (ObjectVersion version : page.versions()) {
                versions.merge(version.key(), 1, Integer::sum);
            }
            page.deleteMarkers().stream().filter(DeleteMarkerEntry::isLatest).forEach(m -> deleted.add(m.key()));
        }
        Map<String, List<Copy>> copies = new ConcurrentHashMap<>();
        AtomicInteger notices = new AtomicInteger();
        AtomicInteger unmarked = new AtomicInteger();
        // Objects are read a few at a time: the census runs after every scenario.
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (String key : versions.keySet()) {
                if (!deleted.contains(key)) { // a deleted key's lines are gone from a reader's view: lost
                    reads.add(readers.submit(() -> read(s3, bucket, key, copies, notices, unmarked)));
                }
            }
            for (Future<?> read : reads) {
                read.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            readers.shutdownNow();
        }
        return new ArchiveCensus(Map.copyOf(copies), versions, versions.size() - deleted.size(), notices.get(),
                unmarked.get());
    }

    private static void read(S3Client s3, String bucket, String key, Map<String, List<Copy>> copies,
                             AtomicInteger notices, AtomicInteger unmarked) {
        byte[] gzip = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        Map<String, List<String>> byBatch = new HashMap<>();
        for (String line : LineCodec.decodeAllUtf8(GzipDecoder.decode(gzip))) {
            MarkedBatches.Mark mark = MarkedBatches.markOf(line);
            if (mark == null) {
                (line.contains(OVERFLOW_NOTICE) ? notices : unmarked).incrementAndGet();
            } else {
                byBatch.computeIfAbsent(mark.marker(), m -> new ArrayList<>()).add(line);
            }
        }
        byBatch.forEach((marker, lines) -> copies.computeIfAbsent(marker, m -> new CopyOnWriteArrayList<>())
                .add(new Copy(key, List.copyOf(lines))));
    }

    /** What the archive holds of {@code batch}. */
    Finding find(MarkedBatches.Batch batch) {
        List<Copy> found = copies.getOrDefault(batch.marker(), List.of());
        boolean whole = found.stream().anyMatch(c -> c.lines().equals(batch.messages()));
        boolean overwritten = found.stream().anyMatch(c -> versions.getOrDefault(c.key(), 1) > 1);
        boolean repeated = found.stream().anyMatch(c -> new HashSet<>(c.lines()).size() < c.lines().size());
        return new Finding(found.size(), whole, overwritten || repeated);
    }

    /**
     * @param copies objects holding any of the batch's lines
     * @param whole one of them holds exactly the batch's lines, in order, byte for byte
     * @param overwritten a key holding them has more than one version, or an object holds one of them twice
     */
    record Finding(int copies, boolean whole, boolean overwritten) {
        boolean stored() {
            return copies > 0;
        }

        boolean doubled() {
            return copies > 1 || overwritten;
        }
    }
}
