package io.auditdrain.verifier.attest;

import java.util.concurrent.atomic.AtomicInteger;

/** How far each part of an attestation has come: read by a progress line on stderr while the parts run. */
public final class AttestProgress {

    final AtomicInteger recordsRead = new AtomicInteger();
    final AtomicInteger recordsListed = new AtomicInteger(-1);
    final AtomicInteger intervalsDone = new AtomicInteger();
    final AtomicInteger objectsRead = new AtomicInteger();
    final AtomicInteger objectsListed = new AtomicInteger(-1);

    /** {@code records 3,200 of 8,832; integrity 450 intervals; writers 1,200 of 8,800 objects} (or: listing). */
    public String line() {
        return "records " + part(recordsRead.get(), recordsListed.get()) + "; integrity " + intervalsDone.get()
                + " intervals; writers " + part(objectsRead.get(), objectsListed.get()) + " objects";
    }

    private static String part(int done, int total) {
        return total < 0 ? "listing" : String.format("%,d of %,d", done, total);
    }
}
