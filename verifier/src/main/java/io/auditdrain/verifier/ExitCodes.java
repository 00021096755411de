package io.auditdrain.verifier;

/** The verifier's exit codes, the contract with scripts and CI. */
public final class ExitCodes {

    /** Every check passed; the tracer was found. */
    public static final int PASS = 0;
    /** A check failed, or the tracer was not found in time. */
    public static final int FAILED = 1;
    /** Usage, configuration or connection error: nothing was proven either way. */
    public static final int ERROR = 2;

    private ExitCodes() {
    }
}
