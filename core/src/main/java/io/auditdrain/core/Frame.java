package io.auditdrain.core;

/**
 * One message of a Logplex drain body, located by offset and length in the body it was read from (no copy).
 * The octet-count prefix and any separator bytes are not part of it.
 */
public record Frame(int offset, int length, Kind kind) {

    /** How the frame's bounds were found. Everything except {@link #COUNTED} is a malformed frame. */
    public enum Kind {
        /** The octet count delimited the message exactly (with or without a trailing LF). */
        COUNTED,
        /**
         * The octet count disagreed with the body (counted in characters instead of bytes, or a few bytes off, for
         * example); the message was re-delimited at the next visible frame start, or the end of the body.
         */
        COUNT_MISMATCH,
        /** The octet count ran past the end of the body and no frame start follows: the message is the rest. */
        TRUNCATED,
        /** Bytes that carried no usable octet count; kept as they are, never dropped. */
        UNFRAMED
    }

    public boolean malformed() {
        return kind != Kind.COUNTED;
    }

    public int end() {
        return offset + length;
    }
}
