package io.auditdrain.verifier.attest;

/**
 * Something wrong with a run record itself, found by reading it and its version history: the scheduled verification
 * creates each record once ({@code If-None-Match: *}) and never touches it again, so any of these is tampering or
 * damage.
 *
 * @param kind     {@code deleted}, {@code replaced}, {@code unreadable}, {@code mismatched} or {@code foreign}
 * @param evidence the record's key (and the version that is current, where one is)
 */
public record RecordFinding(String kind, Evidence evidence, String detail) {

    public static final String DELETED = "deleted";
    public static final String REPLACED = "replaced";
    public static final String UNREADABLE = "unreadable";
    public static final String MISMATCHED = "mismatched";
    public static final String FOREIGN = "foreign";
}
