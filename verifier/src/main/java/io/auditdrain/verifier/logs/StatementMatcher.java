package io.auditdrain.verifier.logs;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a logged Postgres message is the tracer's statement: a statement-logging line
 * ({@code LOG:  statement: ...}, {@code LOG:  execute <name>: ...}, either after {@code duration: ... ms}) or a
 * pgaudit line ({@code LOG:  AUDIT: ...}) whose statement text names the table and holds the tag. Text before the
 * marker (the prefix with {@code application_name} and the like) does not count, nor does a {@code DETAIL} line
 * with bind parameters, nor an {@code ERROR}'s {@code STATEMENT:} echo.
 */
public final class StatementMatcher {

    private static final Pattern MARKER = Pattern.compile(
            "LOG:\\s{1,2}(?:duration: [0-9.]+ ms\\s{1,2})?(statement: |execute [^:\\n]{1,200}: |AUDIT: )");

    private final String table;
    private final String tag;

    /** @param table the table's name without schema (matched case-insensitively, as SQL folds it) */
    public StatementMatcher(String table, String tag) {
        this.table = table.toLowerCase(Locale.ROOT);
        this.tag = tag;
    }

    /** What matched: which form, and the statement text after the marker. */
    public record Match(String form, String statement) {
    }

    /**
     * Matches a joined message. A chunk does not say whether it continues a line (split for length: join with
     * nothing) or starts the next one (split at a line break: join with LF), so the table and the tag may each be
     * found in either joining of the same message.
     */
    public Optional<Match> match(LoggedMessage message) {
        Optional<String> lines = statementText(message.text());
        Optional<String> compact = statementText(message.compact());
        if (lines.isEmpty() && compact.isEmpty()) {
            return Optional.empty();
        }
        String a = lines.orElse("");
        String b = compact.orElse("");
        boolean hasTable = containsTable(a) || containsTable(b);
        boolean hasTag = containsWord(a, tag, true) || containsWord(b, tag, true);
        if (hasTable && hasTag) {
            return Optional.of(new Match(form(lines.isPresent() ? message.text() : message.compact()),
                    lines.orElse(b)));
        }
        return Optional.empty();
    }

    /** Matches one message's text, as logged. */
    public Optional<Match> match(String text) {
        Optional<String> statement = statementText(text);
        if (statement.isPresent() && containsTable(statement.get()) && containsWord(statement.get(), tag, true)) {
            return Optional.of(new Match(form(text), statement.get()));
        }
        return Optional.empty();
    }

    /** The text after the first statement or AUDIT marker. */
    private static Optional<String> statementText(String text) {
        Matcher m = MARKER.matcher(text);
        return m.find() ? Optional.of(text.substring(m.end())) : Optional.empty();
    }

    private static String form(String text) {
        Matcher m = MARKER.matcher(text);
        m.find();
        String marker = m.group(1).strip();
        return marker.startsWith("execute") ? "execute" : marker.substring(0, marker.length() - 1);
    }

    private boolean containsTable(String statement) {
        return containsWord(statement.toLowerCase(Locale.ROOT), table, false);
    }

    /**
     * Whether {@code needle} occurs not glued to identifier characters (a tag also not to a dash, so that a tag never
     * matches a longer one that starts with it).
     */
    private static boolean containsWord(String hay, String needle, boolean dashIsWord) {
        int from = 0;
        while (true) {
            int i = hay.indexOf(needle, from);
            if (i < 0) {
                return false;
            }
            int end = i + needle.length();
            boolean before = i == 0 || !isWordChar(hay.charAt(i - 1), dashIsWord);
            boolean after = end == hay.length() || !isWordChar(hay.charAt(end), dashIsWord);
            if (before && after) {
                return true;
            }
            from = i + 1;
        }
    }

    private static boolean isWordChar(char c, boolean dashIsWord) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || (dashIsWord && c == '-');
    }
}
