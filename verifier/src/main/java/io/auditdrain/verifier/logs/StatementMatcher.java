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

    public Optional<Match> match(LoggedMessage message) {
        Optional<Match> m = match(message.text());
        return m.isPresent() ? m : match(message.compact());
    }

    public Optional<Match> match(String text) {
        Matcher m = MARKER.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        String statement = text.substring(m.end());
        if (containsWord(statement.toLowerCase(Locale.ROOT), table, false) && containsWord(statement, tag, true)) {
            String form = m.group(1).strip();
            return Optional.of(new Match(form.startsWith("execute") ? "execute" : form.replace(":", ""), statement));
        }
        return Optional.empty();
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
