package io.auditdrain.verifier;

/** A setting is missing or wrong, or a service could not be reached: exit code 2, with a one-line message. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
