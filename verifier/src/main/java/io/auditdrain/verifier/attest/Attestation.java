package io.auditdrain.verifier.attest;

import java.time.Instant;
import java.util.List;

/**
 * An app's attestation for a period, built from the archive alone: continuous proof from the scheduled runs' records,
 * integrity from the signed digests, who wrote from the drained statement log, access as the deployment documents
 * it, and the SOC 2 criteria those support. The JSON document holds exactly this; the HTML report shows it.
 *
 * @param result     {@code PASS} when the period has no exception, else {@code FAIL}
 * @param exceptions each exception, in a sentence (gaps, failures, record findings, integrity findings, writers)
 * @param records    how the run records were read
 * @param runs       every recorded run, with its record and tracer object: the evidence behind the counts
 */
public record Attestation(String app, String store, Instant from, Instant to, Instant generatedAt,
                          String verifierVersion, String result, List<String> exceptions,
                          ContinuousProofSection proof, IntegritySection integrity, WritersSection writers,
                          AccessSection access, List<ControlClaim> controls, Records records, List<Run> runs) {

    /** The document's format, for machines reading it. */
    public static final String FORMAT = "auditdrain-attestation/1";

    /**
     * How the run records were read.
     *
     * @param keys          keys listed under the app's {@code proof/} prefix in the period
     * @param historiesRead whether each key's version history was read (a bucket: yes; a directory copy: no)
     */
    public record Records(String prefix, int keys, boolean historiesRead) {
    }

    /** One recorded run: when, its result, what failed, smoke's latency, its record and its tracer's object. */
    public record Run(Instant time, String result, List<String> failing, Long latencyMs, Evidence record,
                      Evidence tracer) {
    }

    public boolean passed() {
        return result.equals("PASS");
    }
}
