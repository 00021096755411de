package io.auditdrain.receiver.store;

/** An object could not be stored durably. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
