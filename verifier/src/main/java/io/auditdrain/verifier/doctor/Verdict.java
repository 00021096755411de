package io.auditdrain.verifier.doctor;

/** A check's outcome. Only {@link #FAIL} makes {@code doctor} exit 1. */
public enum Verdict {
    PASS,
    /** Works, but something deserves a look (or could not be judged from here). */
    WARN,
    FAIL,
    /** Not applicable to this setup (a directory store has no bucket settings), or its precondition failed. */
    SKIP
}
