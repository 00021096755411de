package io.auditdrain.verifier.logs;

import java.time.Instant;

/**
 * A Postgres log message put back together from its chunks (or a message that came whole).
 *
 * @param text     the chunks' texts joined with LF, as Heroku splits a multi-line statement at its line breaks
 * @param compact  the same texts joined with nothing, as a long line is split without a break: a reader matches
 *                 against both, since a chunk does not say which kind of split it follows
 * @param chunks   how many chunks were joined
 */
public record LoggedMessage(String procId, String attachment, long message, int chunks, String text, String compact,
                            Instant timestamp) {
}
