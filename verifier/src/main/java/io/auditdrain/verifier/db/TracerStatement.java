package io.auditdrain.verifier.db;

import io.auditdrain.verifier.ConfigurationException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The tracer INSERT, as a template in which {@code {tag}} stands for the tag as a quoted SQL literal. The tag goes
 * into the statement text itself (not a bind parameter), so that the logged statement holds both the table name and
 * the tag: with the JDBC extended protocol, bind values are logged on a separate {@code DETAIL} line.
 *
 * @param table the table the statement writes, which the logged line must name
 */
public record TracerStatement(String template, SqlIdentifier table) {

    public static final String TAG_PLACEHOLDER = "{tag}";
    /** The tag: letters, digits and dashes only, so its literal needs no escaping at all. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9-]{8,100}");

    public TracerStatement {
        String t = template == null ? "" : template.strip();
        if (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        if (!t.regionMatches(true, 0, "INSERT", 0, 6) || !Character.isWhitespace(t.length() > 6 ? t.charAt(6) : 'x')) {
            throw new ConfigurationException("--statement must be a single INSERT statement");
        }
        if (!t.contains(TAG_PLACEHOLDER)) {
            throw new ConfigurationException("--statement must contain " + TAG_PLACEHOLDER
                    + " where the tag goes (as a quoted literal), e.g. VALUES ({tag}, ...)");
        }
        if (t.indexOf(';') >= 0) {
            throw new ConfigurationException("--statement must be one statement (no ';' inside)");
        }
        if (!mentions(t, table)) {
            throw new ConfigurationException("--statement must write the table " + table.display()
                    + " (or pass --table with the table it writes)");
        }
        template = t;
    }

    /** The reference deployment's smoke test (runbook: pgaudit external sink), with the tag as its id. */
    public static TracerStatement referenceDefault(SqlIdentifier table) {
        return new TracerStatement("INSERT INTO " + table.display()
                + " (id, dimension, customer_id, actor_id, actor_type, action, at_utc) VALUES (" + TAG_PLACEHOLDER
                + ", 'system_automated', 0, 'sre-smoke', 'system_actor', 'smoke.pgaudit_check', now())", table);
    }

    /** The statement to execute, with the tag's literal in place of every {@code {tag}}. */
    public String render(String tag) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("a tag is letters, digits and dashes: " + tag);
        }
        return template.replace(TAG_PLACEHOLDER, "'" + tag + "'");
    }

    /** Whether {@code sql} names {@code table} as a whole word (SQL folds unquoted names to lower case). */
    static boolean mentions(String sql, SqlIdentifier table) {
        String hay = sql.toLowerCase(Locale.ROOT);
        String needle = table.name().toLowerCase(Locale.ROOT);
        int from = 0;
        while (true) {
            int i = hay.indexOf(needle, from);
            if (i < 0) {
                return false;
            }
            int end = i + needle.length();
            boolean before = i == 0 || !isIdentifierChar(hay.charAt(i - 1));
            boolean after = end == hay.length() || !isIdentifierChar(hay.charAt(end));
            if (before && after) {
                return true;
            }
            from = i + 1;
        }
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
