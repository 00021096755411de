package io.auditdrain.core;

/** A key that does not follow {@link ObjectKeyLayout} (or {@link ProofKeyLayout}, for run records). */
public final class InvalidObjectKeyException extends IllegalArgumentException {
    public InvalidObjectKeyException(String key, String reason) {
        super("not an auditdrain " + (key != null && key.startsWith(ProofKeyLayout.ROOT) ? "run record" : "object")
                + " key: " + key + " (" + reason + ")");
    }
}
