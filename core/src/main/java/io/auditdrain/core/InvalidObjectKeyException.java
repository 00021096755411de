package io.auditdrain.core;

/** A key that does not follow {@link ObjectKeyLayout}. */
public final class InvalidObjectKeyException extends IllegalArgumentException {
    public InvalidObjectKeyException(String key, String reason) {
        super("not an auditdrain object key: " + key + " (" + reason + ")");
    }
}
