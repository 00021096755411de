package io.auditdrain.verifier.attest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far each part of an attestation has come, and how long each took: read by a progress line on stderr while the
 * parts run, and by the last line once they are done.
 */
public final class AttestProgress {

    private final long started = System.nanoTime();
    final AtomicInteger recordsRead = new AtomicInteger();
    final AtomicInteger recordsListed = new AtomicInteger(-1);
    final AtomicInteger intervalsDone = new AtomicInteger();
    final AtomicInteger objectsRead = new AtomicInteger();
    final AtomicInteger objectsListed = new AtomicInteger(-1);
    private final AtomicLong recordsListedAt = new AtomicLong();
    private final AtomicLong recordsDoneAt = new AtomicLong();
    private final AtomicLong integrityDoneAt = new AtomicLong();
    private final AtomicLong writersDoneAt = new AtomicLong();

    /** {@code records 3,200 of 8,832; integrity 450 intervals; writers 1,200 of 8,800 objects} (or: listing). */
    public String line() {
        return "records " + part(recordsRead.get(), recordsListed.get()) + "; integrity " + intervalsDone.get()
                + " intervals; writers " + part(objectsRead.get(), objectsListed.get()) + " objects";
    }

    /** {@code records listed in 9s and read in 31s; integrity 28s; writers 3s}, once every part is done. */
    public String timings() {
        return "records listed in " + seconds(recordsListedAt) + " and read in " + seconds(recordsDoneAt)
                + "; integrity " + seconds(integrityDoneAt) + "; writers " + seconds(writersDoneAt);
    }

    void recordsListed(int n) {
        recordsListed.set(n);
        recordsListedAt.set(System.nanoTime());
    }

    void recordsDone() {
        recordsDoneAt.set(System.nanoTime());
    }

    void integrityDone() {
        integrityDoneAt.set(System.nanoTime());
    }

    void writersDone() {
        writersDoneAt.set(System.nanoTime());
    }

    private String seconds(AtomicLong at) {
        long t = at.get();
        return t == 0 ? "–" : ReportFormat.duration(Math.round((t - started) / 1e9));
    }

    private static String part(int done, int total) {
        return total < 0 ? "listing" : String.format("%,d of %,d", done, total);
    }
}
