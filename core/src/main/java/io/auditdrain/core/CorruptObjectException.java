package io.auditdrain.core;

/** A stored object that is not what the key layout promises (not gzip, for example). */
public final class CorruptObjectException extends RuntimeException {
    public CorruptObjectException(String message, Throwable cause) {
        super(message, cause);
    }
}
