package io.auditdrain.receiver.auth;

/** The credential store could not be read; requests are refused with a 5xx so that Logplex retries them. */
public final class CredentialStoreException extends RuntimeException {
    public CredentialStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
