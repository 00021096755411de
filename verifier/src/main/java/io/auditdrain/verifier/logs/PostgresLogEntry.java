package io.auditdrain.verifier.logs;

import io.auditdrain.verifier.db.SqlText;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Heroku Postgres log message read apart: the fields of its {@code log_line_prefix}, its severity and, for a
 * statement-logging line, the statement. Heroku's prefix is
 * {@code sql_error_code = %e time_ms = "%m" pid="%p" proc_start_time="%s" session_id="%c" vtid="%v" tid="%x"
 * log_line="%l" database="%d" connection_source="%r" user="%u" application_name="%a" }; processes without a client
 * connection end it after {@code log_line}. Any prefix of {@code key="value"} or {@code key = value} fields is read the
 * same way, so a reader asks for a field by name and copes with its absence.
 *
 * <p>{@code user} is the role that logged in ({@code %u}, the session user), not a role taken on with {@code SET ROLE}.
 *
 * <p>The application chooses its own {@code application_name}, the prefix's last field, and Postgres writes it
 * unescaped: a name holding {@code " LOG:  statement: ...} would pose as the start of the statement. A name is at most
 * 63 bytes, so every severity marker that could end it lies within that reach of its opening quote; {@link #readings()}
 * holds the statement as read from each of them (usually exactly one), so that a reader who must not be fooled can
 * look at all of them.
 *
 * @param message    the joined message this entry was read from
 * @param timestamp  {@code time_ms} (milliseconds, the server's clock) when the prefix has it, else the syslog time
 * @param fields     the prefix's fields in order, by name ({@code pid}, {@code session_id}, {@code user}, ...)
 * @param severity   {@code LOG}, {@code ERROR}, {@code DETAIL}, ...; empty when no severity marker was found
 * @param kind       what the line logs
 * @param durationMs the {@code duration: ... ms} before a statement ({@code log_min_duration_statement}), or null
 * @param statement  for a statement or AUDIT line the text after its marker, else the text after the severity; the
 *                   chunks are joined with nothing between them, since Postgres splits a long line before a whitespace
 *                   that it keeps and continues a multi-line statement with a TAB
 * @param readings   {@code statement} first, then the text after each later severity marker that could end a
 *                   hostile {@code application_name}
 */
public record PostgresLogEntry(LoggedMessage message, Instant timestamp, Map<String, String> fields, String severity,
                               Kind kind, Double durationMs, String statement, List<String> readings) {

    /** What a log line is. */
    public enum Kind {
        /** {@code LOG:  statement: ...}: the simple query protocol (psql, {@code preferQueryMode=simple}). */
        STATEMENT,
        /** {@code LOG:  execute <name>: ...}: the extended protocol (JDBC's default); values are on a DETAIL line. */
        EXECUTE,
        /** {@code LOG:  AUDIT: ...}: pgaudit (Heroku Shield). */
        AUDIT,
        /** Anything else: errors, connections, DETAIL lines, a duration without text. */
        OTHER
    }

    /** PostgreSQL's {@code NAMEDATALEN - 1}: the longest application_name (and any other name) it logs. */
    private static final int MAX_NAME_BYTES = 63;

    private static final String SEVERITIES =
            "DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|STATEMENT|LOCATION";
    private static final Pattern SEVERITY = Pattern.compile("\\s*(" + SEVERITIES + "):  ");
    /** A severity marker where a hostile application_name could end. */
    private static final Pattern SEVERITY_AFTER_QUOTE = Pattern.compile("\"\\s+(" + SEVERITIES + "):  ");
    private static final Pattern STATEMENT_MARKER = Pattern.compile(
            "(?:duration: ([0-9]+(?:\\.[0-9]+)?) ms\\s{1,2})?(statement: |execute [^:\\n]{1,200}: |AUDIT: )");
    private static final DateTimeFormatter TIME_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]",
            Locale.ROOT);

    public PostgresLogEntry {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        readings = List.copyOf(readings);
    }

    /**
     * Reads a joined message. Every Postgres message gives an entry; one without a recognisable prefix has no fields
     * and kind {@link Kind#OTHER}.
     */
    public static PostgresLogEntry parse(LoggedMessage message) {
        String text = message.compact();
        Map<String, String> fields = new LinkedHashMap<>();
        int pos = 0;
        int lastQuotedValue = -1;
        // key="value" or key = value, one after the other (read by hand: a regex costs more than the rest)
        while (true) {
            int k = pos;
            while (k < text.length() && Character.isWhitespace(text.charAt(k))) {
                k++;
            }
            int keyStart = k;
            while (k < text.length() && k - keyStart < 40 && (text.charAt(k) == '_'
                    || (text.charAt(k) >= 'a' && text.charAt(k) <= 'z'))) {
                k++;
            }
            int keyEnd = k;
            if (keyEnd == keyStart) {
                break;
            }
            if (text.startsWith(" = ", k)) {
                k += 3;
            } else if (text.startsWith("=", k)) {
                k += 1;
            } else {
                break;
            }
            String value;
            if (k < text.length() && text.charAt(k) == '"') {
                int close = text.indexOf('"', k + 1);
                if (close < 0) {
                    break;
                }
                value = text.substring(k + 1, close);
                lastQuotedValue = k + 1;
                k = close + 1;
            } else {
                int end = k;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '"') {
                    end++;
                }
                value = text.substring(k, end);
                k = end;
            }
            fields.putIfAbsent(text.substring(keyStart, keyEnd), value);
            pos = k;
        }
        Matcher s = SEVERITY.matcher(text);
        if (!s.region(pos, text.length()).lookingAt()) {
            // No prefix the reader knows: look for the severity anywhere (a message that came whole, say).
            s.reset();
            if (!s.find(0)) {
                return new PostgresLogEntry(message, timestamp(fields, message), fields, "", Kind.OTHER, null,
                        text.strip(), List.of(text.strip()));
            }
        }
        String severity = s.group(1);
        Reading first = read(text, s.end(), severity);
        List<String> readings = new ArrayList<>();
        readings.add(first.statement());
        if (lastQuotedValue >= 0) {
            int reach = lastQuotedValue + MAX_NAME_BYTES + 1;
            // A marker that could end the name starts within its reach: look no further than that.
            int limit = Math.min(text.length(), reach + 40);
            Matcher later = SEVERITY_AFTER_QUOTE.matcher(text);
            int from = s.start() + 1;
            while (from <= reach && from < limit) {
                later.region(from, limit);
                if (!later.find() || later.start() > reach) {
                    break;
                }
                readings.add(read(text, later.end(), later.group(1)).statement());
                from = later.start() + 1;
            }
        }
        return new PostgresLogEntry(message, timestamp(fields, message), fields, severity, first.kind(),
                first.durationMs(), first.statement(), readings);
    }

    private record Reading(Kind kind, Double durationMs, String statement) {
    }

    private static Reading read(String text, int afterSeverity, String severity) {
        if (severity.equals("LOG")) {
            Matcher m = STATEMENT_MARKER.matcher(text).region(afterSeverity, text.length());
            if (m.lookingAt()) {
                String marker = m.group(2);
                Kind kind = marker.startsWith("statement") ? Kind.STATEMENT
                        : marker.startsWith("execute") ? Kind.EXECUTE : Kind.AUDIT;
                Double duration = m.group(1) == null ? null : Double.valueOf(m.group(1));
                return new Reading(kind, duration, text.substring(m.end()));
            }
        }
        return new Reading(Kind.OTHER, null, text.substring(afterSeverity));
    }

    private static Instant timestamp(Map<String, String> fields, LoggedMessage message) {
        String timeMs = fields.get("time_ms");
        if (timeMs != null && timeMs.endsWith(" UTC")) {
            try {
                return LocalDateTime.parse(timeMs.substring(0, timeMs.length() - 4), TIME_MS)
                        .toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // fall back to the syslog time
            }
        }
        return message.timestamp();
    }

    /** A field of the prefix, empty when the prefix does not carry it. */
    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** The role that logged in ({@code user="..."}); empty when the prefix has no such field. */
    public Optional<String> user() {
        return field("user");
    }

    public Optional<String> database() {
        return field("database");
    }

    /** The server process id: the prefix's {@code pid}, else the number in the PROCID {@code postgres.<pid>}. */
    public Optional<String> pid() {
        return field("pid").or(() -> {
            String procId = message.procId();
            int dot = procId.indexOf('.');
            return dot < 0 ? Optional.empty() : Optional.of(procId.substring(dot + 1));
        });
    }

    /** {@code session_id} ({@code %c}): the backend's start time and pid in hex, unique per session. */
    public Optional<String> sessionId() {
        return field("session_id");
    }

    /** {@code log_line} ({@code %l}): the number of this line within its session. */
    public Optional<String> logLine() {
        return field("log_line");
    }

    public Optional<String> applicationName() {
        return field("application_name");
    }

    public Optional<String> sqlErrorCode() {
        return field("sql_error_code");
    }

    /** Whether this line logs a statement's text: {@code statement:} or {@code execute <name>:}. */
    public boolean isStatement() {
        return kind == Kind.STATEMENT || kind == Kind.EXECUTE;
    }

    /**
     * The statement's first keyword in upper case ({@code INSERT}, {@code UPDATE}, {@code WITH}, {@code COPY}, ...),
     * skipping comments and parentheses; empty for a line that logs no statement.
     */
    public String command() {
        if (kind == Kind.OTHER || kind == Kind.AUDIT) {
            return "";
        }
        return SqlText.firstKeyword(statement);
    }
}
