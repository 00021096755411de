package io.auditdrain.verifier.store;

import io.auditdrain.verifier.ConfigurationException;

/** The store could not be read (no such bucket, access denied, unreachable endpoint): exit code 2. */
public final class ArchiveReadException extends ConfigurationException {
    public ArchiveReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
