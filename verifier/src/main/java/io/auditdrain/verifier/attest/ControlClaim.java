package io.auditdrain.verifier.attest;

import java.util.List;

/**
 * Which findings of the attestation support a SOC 2 criterion: this project's claim about what its evidence shows,
 * not legal or audit advice; the auditor judges.
 *
 * @param criterion {@code CC6.1}, {@code CC6.3}, {@code CC7.2} or {@code CC7.3}
 * @param topic     what the criterion is about, in a few words
 * @param claim     what this project claims its evidence shows for it
 * @param status    {@code supported}, {@code exceptions} (supported, with the exceptions listed) or
 *                  {@code not evidenced} (the evidence was not gathered for this report)
 * @param findings  the findings it rests on, each naming its section
 */
public record ControlClaim(String criterion, String topic, String claim, String status, List<String> findings) {

    public static final String SUPPORTED = "supported";
    public static final String EXCEPTIONS = "exceptions";
    public static final String NOT_EVIDENCED = "not evidenced";
}
