package io.auditdrain.verifier.logs;

import io.auditdrain.core.LogplexMessage;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One frame of a Heroku Postgres log line: {@code [DATABASE] [12-1]  sql_error_code = ... LOG:  statement: ...}.
 * {@code [N-M]} is message N, chunk M; only chunk 1 carries the prefix, later chunks carry the next piece of text
 * (possibly empty, TABs literal). The attachment name ({@code DATABASE}, {@code YELLOW}, ...) may come before or
 * after the sequence, or be absent.
 *
 * @param attachment the attachment name, or "" when the line has none
 * @param text       the chunk's text: everything after {@code [N-M]} and the one space that follows it
 */
public record PostgresLogChunk(String procId, String attachment, long message, int chunk, String text,
                               Instant timestamp) {

    private static final Pattern PREFIX = Pattern.compile(" ?sql_error_code = [0-9A-Z]{5} ");
    /** {@code postgres.<pid>} today; plain {@code postgres} in the 2012 format (one PROCID for every backend). */
    private static final Pattern PROC_ID = Pattern.compile("postgres(?:\\.\\d+)?");
    private static final Pattern ATTACHMENT_FIRST = Pattern.compile(
            "\\[([A-Z][A-Z0-9_]*)\\] \\[(\\d{1,18})-(\\d{1,9})\\](?: |$)", Pattern.DOTALL);
    private static final Pattern SEQUENCE_FIRST = Pattern.compile(
            "\\[(\\d{1,18})-(\\d{1,9})\\](?: \\[([A-Z][A-Z0-9_]*)\\])?(?: |$)", Pattern.DOTALL);

    /**
     * Whether this chunk begins a log line of its own: Heroku writes its prefix ({@code sql_error_code = ...}) at
     * the start of every line of a message (the statement, then DETAIL, HINT, CONTEXT), not on continuations.
     */
    public boolean startsLogLine() {
        return PREFIX.matcher(text).lookingAt();
    }

    /**
     * Whether a Logplex message comes from a Heroku Postgres server process: {@code app postgres.<pid>}, or
     * {@code app postgres} as in Heroku's 2012 format ({@code [12-1] u8akd9ajka [BRONZE] LOG:  duration: ...}, where
     * the attachment follows a database token and so stays in the text).
     */
    public static boolean isPostgres(LogplexMessage m) {
        return "app".equals(m.appName()) && PROC_ID.matcher(m.procId()).matches();
    }

    /** The chunk in a Heroku Postgres message; empty when the message has no {@code [N-M]} sequence. */
    public static Optional<PostgresLogChunk> parse(LogplexMessage m) {
        String text = m.text();
        Matcher a = ATTACHMENT_FIRST.matcher(text);
        if (a.lookingAt()) {
            return Optional.of(new PostgresLogChunk(m.procId(), a.group(1), Long.parseLong(a.group(2)),
                    Integer.parseInt(a.group(3)), text.substring(a.end()), m.timestamp()));
        }
        Matcher s = SEQUENCE_FIRST.matcher(text);
        if (s.lookingAt()) {
            return Optional.of(new PostgresLogChunk(m.procId(), s.group(3) == null ? "" : s.group(3),
                    Long.parseLong(s.group(1)), Integer.parseInt(s.group(2)), text.substring(s.end()),
                    m.timestamp()));
        }
        return Optional.empty();
    }
}
