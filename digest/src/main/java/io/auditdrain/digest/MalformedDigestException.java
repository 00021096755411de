package io.auditdrain.digest;

/** Stored bytes are not a digest of the format this code reads ({@link ArchiveDigest#FORMAT}). */
public final class MalformedDigestException extends RuntimeException {
    public MalformedDigestException(String message) {
        super(message);
    }

    public MalformedDigestException(String message, Throwable cause) {
        super(message, cause);
    }
}
