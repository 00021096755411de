package io.auditdrain.verifier.attest;

import io.auditdrain.verifier.proof.ProofRecord;
import java.time.Instant;

/**
 * One run as the archive holds its record: the record as the run wrote it (its first version), where it was read.
 *
 * @param time     the run's start, from its key
 * @param evidence the record's key, with the SHA-256 and version of the bytes that were read
 * @param storedAt when S3 received those bytes
 */
public record RecordedRun(Instant time, Evidence evidence, Instant storedAt, ProofRecord record) {

    public boolean passed() {
        return record.passed();
    }

    /** smoke passed, doctor passed, but some check warned. */
    public boolean warned() {
        return record.passed() && record.doctor().checks().stream().anyMatch(c -> c.verdict().equals("WARN"));
    }
}
