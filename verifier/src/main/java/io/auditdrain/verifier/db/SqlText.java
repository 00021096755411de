package io.auditdrain.verifier.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads SQL text the way PostgreSQL's lexer cuts it, enough to tell which tables a statement (or a function body)
 * writes: comments, string literals ({@code '...'}, {@code E'...'}, {@code $tag$...$tag$}) and bind parameters are
 * skipped, so that a table named only inside a literal never counts; identifiers are folded to lower case unless
 * double-quoted, as Postgres resolves them.
 */
public final class SqlText {

    /** A table a statement writes: {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code TRUNCATE}, {@code COPY} or
     * {@code MERGE}. {@code schema} is null when the statement does not qualify the name. */
    public record TableWrite(String command, String schema, String table) {
    }

    private enum Type { WORD, QUOTED, PUNCT, LITERAL }

    /** {@code text} is the identifier as Postgres resolves it (folded when unquoted), or the punctuation character. */
    private record Token(Type type, String text) {
        boolean isWord(String lowerCase) {
            return type == Type.WORD && text.equals(lowerCase);
        }

        boolean isPunct(char c) {
            return type == Type.PUNCT && text.charAt(0) == c;
        }

        boolean isName() {
            return type == Type.WORD || type == Type.QUOTED;
        }
    }

    /** Words that follow {@code UPDATE} or {@code TRUNCATE} where they are no command (a trigger's or a grant's event,
     * {@code FOR UPDATE}, {@code ON CONFLICT DO UPDATE}, a foreign key's {@code ON UPDATE}). */
    private static final Set<String> NOT_A_COMMAND_AFTER = Set.of("do", "for", "key", "on", "or", "before", "after",
            "instead", "of", "grant", "revoke", "privileges");
    private static final Set<String> NOT_A_TABLE = Set.of("set", "on", "of", "or", "skip", "nowait", "cascade",
            "restrict", "no", "to", "from");

    private SqlText() {
    }

    /** The first keyword in upper case ({@code INSERT}, {@code WITH}, ...); empty when there is none. */
    public static String firstKeyword(String sql) {
        for (Token t : tokens(sql)) {
            if (t.type == Type.WORD) {
                return t.text.toUpperCase(Locale.ROOT);
            }
            if (!t.isPunct('(')) {
                return "";
            }
        }
        return "";
    }

    /**
     * Every table the text writes, in order, wherever it appears: in a data-modifying {@code WITH}, after a
     * {@code PREPARE ... AS}, in each statement of a function body. {@code COPY ... TO} and {@code SELECT ... FOR UPDATE}
     * write nothing.
     */
    public static List<TableWrite> writes(String sql) {
        List<Token> t = tokens(sql);
        List<TableWrite> writes = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.type != Type.WORD) {
                continue;
            }
            switch (tok.text) {
                case "insert", "merge" -> {
                    if (word(t, i + 1, "into")) {
                        name(t, i + 2).ifPresent(n -> writes.add(n.as(tok.text)));
                    }
                }
                case "delete" -> {
                    if (word(t, i + 1, "from")) {
                        int j = skipWord(t, i + 2, "only");
                        name(t, j).ifPresent(n -> writes.add(n.as("delete")));
                    }
                }
                case "update" -> {
                    if (!commandPosition(t, i)) {
                        continue;
                    }
                    int j = skipWord(t, i + 1, "only");
                    name(t, j).filter(n -> n.quoted || !NOT_A_TABLE.contains(n.table))
                            .ifPresent(n -> writes.add(n.as("update")));
                }
                case "truncate" -> {
                    if (!commandPosition(t, i)) {
                        continue;
                    }
                    int j = skipWord(t, i + 1, "table");
                    while (true) {
                        j = skipWord(t, j, "only");
                        Name n = name(t, j).orElse(null);
                        if (n == null || (!n.quoted && NOT_A_TABLE.contains(n.table))) {
                            break;
                        }
                        writes.add(n.as("truncate"));
                        j = n.next;
                        if (j < t.size() && t.get(j).isPunct('*')) {
                            j++;
                        }
                        if (j < t.size() && t.get(j).isPunct(',')) {
                            j++;
                        } else {
                            break;
                        }
                    }
                }
                case "copy" -> {
                    Name n = name(t, i + 1).orElse(null);
                    if (n == null) {
                        continue;
                    }
                    int j = n.next;
                    if (j < t.size() && t.get(j).isPunct('(')) {
                        j = afterParentheses(t, j);
                    }
                    if (word(t, j, "from")) {
                        writes.add(n.as("copy"));
                    }
                }
                default -> {
                }
            }
        }
        return writes;
    }

    /**
     * Whether the text runs SQL that is built at run time (PL/pgSQL's {@code EXECUTE}): what such SQL writes cannot be
     * read from the text.
     */
    public static boolean runsDynamicSql(String body) {
        List<Token> t = tokens(body);
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).isWord("execute") && !word(t, i + 1, "function") && !word(t, i + 1, "procedure")) {
                return true;
            }
        }
        return false;
    }

    private record Name(String schema, String table, boolean quoted, int next) {
        TableWrite as(String command) {
            return new TableWrite(command.toUpperCase(Locale.ROOT), schema, table);
        }
    }

    /** {@code [db.][schema.]table} at {@code i}. */
    private static Optional<Name> name(List<Token> t, int i) {
        if (i >= t.size() || !t.get(i).isName()) {
            return Optional.empty();
        }
        List<Token> parts = new ArrayList<>();
        parts.add(t.get(i));
        int j = i + 1;
        while (parts.size() < 3 && j + 1 < t.size() && t.get(j).isPunct('.') && t.get(j + 1).isName()) {
            parts.add(t.get(j + 1));
            j += 2;
        }
        Token table = parts.get(parts.size() - 1);
        String schema = parts.size() >= 2 ? parts.get(parts.size() - 2).text : null;
        return Optional.of(new Name(schema, table.text, table.type == Type.QUOTED, j));
    }

    private static boolean commandPosition(List<Token> t, int i) {
        if (i == 0) {
            return true;
        }
        Token prev = t.get(i - 1);
        return !prev.isPunct(',') && !(prev.type == Type.WORD && NOT_A_COMMAND_AFTER.contains(prev.text));
    }

    private static boolean word(List<Token> t, int i, String w) {
        return i < t.size() && t.get(i).isWord(w);
    }

    private static int skipWord(List<Token> t, int i, String w) {
        return word(t, i, w) ? i + 1 : i;
    }

    private static int afterParentheses(List<Token> t, int open) {
        int depth = 0;
        for (int j = open; j < t.size(); j++) {
            if (t.get(j).isPunct('(')) {
                depth++;
            } else if (t.get(j).isPunct(')') && --depth == 0) {
                return j + 1;
            }
        }
        return t.size();
    }

    private static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = afterBlockComment(sql, i);
            } else if (c == '\'') {
                i = afterString(sql, i + 1, false);
                out.add(new Token(Type.LITERAL, "'"));
            } else if (c == '"') {
                StringBuilder id = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == '"') {
                        if (j + 1 < n && sql.charAt(j + 1) == '"') {
                            id.append('"');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    id.append(d);
                    j++;
                }
                out.add(new Token(Type.QUOTED, id.toString()));
                i = j + 1;
            } else if (c == '$') {
                int end = dollarQuoteEnd(sql, i);
                if (end > 0) {
                    out.add(new Token(Type.LITERAL, "$"));
                    i = end;
                } else {
                    // $1, a bind parameter
                    int j = i + 1;
                    while (j < n && Character.isDigit(sql.charAt(j))) {
                        j++;
                    }
                    out.add(new Token(Type.LITERAL, "$"));
                    i = j;
                }
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$')) {
                    j++;
                }
                String word = sql.substring(i, j);
                if (j < n && sql.charAt(j) == '\'' && (word.equalsIgnoreCase("e") || word.equalsIgnoreCase("b")
                        || word.equalsIgnoreCase("x") || word.equalsIgnoreCase("n"))) {
                    i = afterString(sql, j + 1, word.equalsIgnoreCase("e"));
                    out.add(new Token(Type.LITERAL, "'"));
                } else if (j + 1 < n && word.equalsIgnoreCase("u") && sql.charAt(j) == '&'
                        && (sql.charAt(j + 1) == '\'' || sql.charAt(j + 1) == '"')) {
                    // U&'...' or U&"...": a Unicode-escaped literal or identifier; neither names a table we look for
                    i = sql.charAt(j + 1) == '\'' ? afterString(sql, j + 2, false) : Math.max(j + 2,
                            sql.indexOf('"', j + 2) + 1);
                    out.add(new Token(Type.LITERAL, "'"));
                } else {
                    out.add(new Token(Type.WORD, word.toLowerCase(Locale.ROOT)));
                    i = j;
                }
            } else if (".,()*;".indexOf(c) >= 0) {
                out.add(new Token(Type.PUNCT, String.valueOf(c)));
                i++;
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                out.add(new Token(Type.LITERAL, "0"));
                i = j;
            } else {
                // an operator character
                out.add(new Token(Type.LITERAL, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }

    /** After a {@code '...'} literal whose body starts at {@code i} ({@code ''} escapes a quote; E'' also {@code \'}). */
    private static int afterString(String sql, int i, boolean backslashEscapes) {
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    private static int afterBlockComment(String sql, int i) {
        int depth = 0;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** After a {@code $tag$...$tag$} literal starting at {@code i}, or -1 when {@code i} starts none. */
    private static int dollarQuoteEnd(String sql, int i) {
        int j = i + 1;
        int n = sql.length();
        if (j < n && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                j++;
            }
        }
        if (j >= n || sql.charAt(j) != '$') {
            return -1;
        }
        String delimiter = sql.substring(i, j + 1);
        int close = sql.indexOf(delimiter, j + 1);
        return close < 0 ? n : close + delimiter.length();
    }
}
