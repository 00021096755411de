package io.auditdrain.verifier.proof;

/** Bytes that are not a run record of a format this verifier reads. */
public final class MalformedProofRecordException extends RuntimeException {
    public MalformedProofRecordException(String message) {
        super(message);
    }

    public MalformedProofRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
