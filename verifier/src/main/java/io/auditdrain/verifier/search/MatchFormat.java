package io.auditdrain.verifier.search;

import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.PrintableText;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How search prints its matches: one line of text, of JSON, or of CSV (with a header) per statement. Times always
 * carry milliseconds ({@code 2026-03-14T12:00:00.000Z}), so that records sort as text in time order.
 */
public enum MatchFormat {
    TEXT,
    JSONL,
    CSV;

    static final List<String> COLUMNS = List.of("timestamp", "pid", "session_id", "log_line", "user", "database",
            "application_name", "kind", "duration_ms", "statement", "parameters", "key", "incomplete", "verifier");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** {@code 2026-03-14T12:00:00.000Z}: fixed precision, whatever the source's. */
    static String time(Instant t) {
        return TIME.format(t);
    }

    /** Prints what comes before the first match (CSV's header). */
    public void start(PrintWriter out) {
        if (this == CSV) {
            out.println(String.join(",", COLUMNS));
        }
    }

    public void print(PrintWriter out, ArchiveSearch.Match m) {
        switch (this) {
            case TEXT -> out.printf("%s  %s@%s  pid %s  session %s  %s%s%s%s%s  (%s)%n", time(m.timestamp()),
                    orDash(m.user()),
                    orDash(m.database()), orDash(m.pid()), orDash(m.sessionId()), m.kind().equals("statement") ? ""
                            : m.kind() + ": ", PrintableText.escape(m.statement()), m.parameters() == null ? ""
                            : "  [parameters: " + PrintableText.escape(m.parameters()) + "]", m.incomplete() == null
                            ? "" : "  [INCOMPLETE: " + m.incomplete() + "]", m.verifier() == null ? ""
                            : "  [verifier " + m.verifier() + "]", String.join(", ", m.keys()));
            case JSONL -> out.println(JsonOutput.write(fields(m)));
            case CSV -> {
                StringBuilder row = new StringBuilder();
                for (Object value : fields(m).values()) {
                    if (!row.isEmpty()) {
                        row.append(',');
                    }
                    row.append(csv(value == null ? "" : value.toString()));
                }
                out.println(row);
            }
        }
    }

    private static Map<String, Object> fields(ArchiveSearch.Match m) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("timestamp", time(m.timestamp()));
        f.put("pid", m.pid());
        f.put("session_id", m.sessionId());
        f.put("log_line", m.logLine());
        f.put("user", m.user());
        f.put("database", m.database());
        f.put("application_name", m.applicationName());
        f.put("kind", m.kind());
        f.put("duration_ms", m.durationMs());
        f.put("statement", m.statement());
        f.put("parameters", m.parameters());
        f.put("key", m.keys().get(0));
        f.put("incomplete", m.incomplete());
        f.put("verifier", m.verifier());
        return f;
    }

    /** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
    static String csv(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
