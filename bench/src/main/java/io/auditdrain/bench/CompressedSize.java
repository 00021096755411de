package io.auditdrain.bench;

import io.auditdrain.receiver.ingest.BatchEncoder;
import io.auditdrain.receiver.ingest.EncodedBatch;

/**
 * Stored bytes per gzip level for realistic 100 KB batches (the size side of the level trade-off; JMH's
 * IngestBenchmark with -p level=... gives the CPU side). Deterministic: no timing here.
 * Run: java -cp bench.jar io.auditdrain.bench.CompressedSize
 */
public final class CompressedSize {

    private CompressedSize() {
    }

    public static void main(String[] args) {
        int batches = 50;
        long in = 0;
        for (int seed = 0; seed < batches; seed++) {
            in += RealisticTraffic.body(100 * 1024, seed).length;
        }
        System.out.printf("stored bytes per gzip level, %d realistic batches of 100 KB (%d bytes in)%n", batches, in);
        for (int level = 1; level <= 9; level++) {
            long out = 0;
            try (BatchEncoder encoder = new BatchEncoder(level)) {
                for (int seed = 0; seed < batches; seed++) {
                    EncodedBatch batch = encoder.encode(RealisticTraffic.body(100 * 1024, seed),
                            new BatchEncoder.BatchContext("bench-app", null, null));
                    out += batch.bytesOut();
                }
            }
            System.out.printf("  level %d: %8d bytes stored, %5.1f%% of the input%n", level, out, 100.0 * out / in);
        }
    }
}
