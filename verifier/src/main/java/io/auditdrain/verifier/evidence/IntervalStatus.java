package io.auditdrain.verifier.evidence;

/**
 * What verify-archive says about one interval, and the kind of each finding, in rising order of severity: an
 * interval shows its most severe finding.
 */
public enum IntervalStatus {
    /** Its digest verifies and every object it lists is there, unchanged; nothing else is there. */
    VALID("valid", false),
    /** Its digest is not due yet (the digester closes an interval some minutes after its end). */
    PENDING("pending", false),
    /** Before the app's chain starts (the digester starts it at the app's first object) and nothing is stored in it. */
    BEFORE_CHAIN("before the chain", false),
    /**
     * An object a later digest recorded as late was stored longer after its newest line than Logplex delivers
     * (the late threshold): a late delivery, or a forged or copied object.
     */
    LATE_OBJECT("late object", true),
    /** An object is stored that no digest lists. */
    EXTRA_OBJECT("extra object", true),
    /** An object a digest lists was deleted (a delete marker, even one placed before the digest was written). */
    MISSING_OBJECT("missing object", true),
    /** An object a digest lists has other bytes now, or its key holds another version. */
    MODIFIED("modified", true),
    /** The digest was written long after its interval closed (past --pending): it proves only what was there then. */
    DIGEST_LATE("digest late", true),
    /** The interval is due, but its digest is not in the store, nor in its version history. */
    DIGEST_MISSING("digest missing", true),
    /** The digest key has a delete marker: the digest was deleted (its versions may still be in the history). */
    DIGEST_DELETED("digest deleted", true),
    /** The digest key has more than one version: the digester writes a digest once, so it was replaced. */
    DIGEST_REPLACED("digest replaced", true),
    /** The digest is there but is not a valid digest, or its signature does not verify with the trusted key. */
    DIGEST_INVALID("digest invalid", true),
    /** The digest does not link to the one before it (another key, another signature, a gap, a new chain). */
    CHAIN_BROKEN("chain broken", true);

    private final String label;
    private final boolean failure;

    IntervalStatus(String label, boolean failure) {
        this.label = label;
        this.failure = failure;
    }

    /** How the report names it: {@code missing object}. */
    public String label() {
        return label;
    }

    /** Whether an auditor must be told: everything but valid, pending and before the chain. */
    public boolean isFailure() {
        return failure;
    }

    public IntervalStatus worse(IntervalStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
