package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns PostgreSQL log events into the messages Heroku Postgres puts in an app's log stream: APP-NAME {@code app},
 * PROCID {@code postgres.<pid>}, and as MSG {@code [ATTACHMENT] [N-M] } then chunk M of event N of that process.
 *
 * <p>This is what PostgreSQL itself writes to syslog with Heroku's {@code log_line_prefix} (elog.c,
 * {@code send_message_to_server_log} and {@code write_syslog}), with the attachment name added in front:
 * <ul>
 *   <li>the event's text is the prefixed main line ({@code LOG:  statement: ...}), then one prefixed line each for
 *       DETAIL, HINT, QUERY, CONTEXT, STATEMENT and LOCATION when present; an LF inside a value is followed by a
 *       TAB;</li>
 *   <li>that text is cut into chunks by {@link SyslogChunker}: one per line and more for a long line, so only the
 *       first chunk of a line carries the prefix;</li>
 *   <li>N counts the events of a process (a backend starts from the postmaster's count, which it inherits at fork);
 *       {@code log_line="%l"} counts prefixes written by the process, so it runs ahead of csvlog's line number by
 *       the extra lines of earlier events.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per log being read, fed in log order.
 */
final class HerokuPostgresFormat {

    /** Heroku's log_line_prefix; {@code %q} ends it for processes without a client connection. */
    static final String LOG_LINE_PREFIX = " sql_error_code = %e time_ms = \"%m\" pid=\"%p\" proc_start_time=\"%s\""
            + " session_id=\"%c\" vtid=\"%v\" tid=\"%x\" log_line=\"%l\" %qdatabase=\"%d\" connection_source=\"%r\""
            + " user=\"%u\" application_name=\"%a\" ";

    /** Heroku attachment names: DATABASE, HEROKU_POSTGRESQL_YELLOW, YELLOW, ... */
    private static final Pattern ATTACHMENT = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final int FACILITY_LOCAL0 = 16;

    private final String attachment;
    private final int chunkBytes;
    /** Recently seen processes; the least recently logging ones are forgotten beyond this many. */
    private static final int MAX_PROCESSES = 10_000;

    private final Map<String, ProcessLog> processes = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ProcessLog> eldest) {
            return size() > MAX_PROCESSES;
        }
    };
    private long postmasterSequence;

    /** What PostgreSQL's static counters hold for one process. */
    private static final class ProcessLog {
        final String sessionId;
        long sequence;
        long extraPrefixes;

        ProcessLog(String sessionId, long inheritedSequence) {
            this.sessionId = sessionId;
            this.sequence = inheritedSequence;
        }
    }

    HerokuPostgresFormat(String attachment, int chunkBytes) {
        if (attachment == null || !ATTACHMENT.matcher(attachment).matches()) {
            throw new IllegalArgumentException("an attachment name is upper-case letters, digits and underscores"
                    + " (DATABASE, HEROKU_POSTGRESQL_YELLOW): " + attachment);
        }
        if (chunkBytes < SyslogChunker.MIN_LIMIT) {
            throw new IllegalArgumentException("chunk size must be at least " + SyslogChunker.MIN_LIMIT + " bytes");
        }
        this.attachment = attachment;
        this.chunkBytes = chunkBytes;
    }

    static boolean isValidAttachment(String name) {
        return name != null && ATTACHMENT.matcher(name).matches();
    }

    /**
     * The messages of one event, in order.
     *
     * @param fallbackTime stamps the messages when the record's log_time cannot be read
     */
    List<SyslogMessage> format(PostgresLogRecord record, Instant fallbackTime) {
        ProcessLog process = processes.get(record.processId());
        if (process == null || !process.sessionId.equals(record.sessionId())) {
            // A new process, or a reused pid (its session id differs): counters start from the postmaster's.
            process = new ProcessLog(record.sessionId(), postmasterSequence);
            processes.put(record.processId(), process);
        }
        process.sequence++;
        if ("postmaster".equals(record.backendType())) {
            postmasterSequence = process.sequence;
        }
        long lineNumber = parseLong(record.sessionLineNum()) + process.extraPrefixes;
        ServerLogText text = new ServerLogText(record, lineNumber);
        String eventText = text.build();
        process.extraPrefixes += text.extraLines();

        Instant time = record.logInstant().orElse(fallbackTime);
        int priority = FACILITY_LOCAL0 * 8 + syslogSeverity(record.errorSeverity());
        String procId = "postgres." + record.processId();
        List<byte[]> chunks = SyslogChunker.split(eventText.getBytes(UTF_8), chunkBytes);
        List<SyslogMessage> messages = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            String body = "[" + attachment + "] [" + process.sequence + "-" + (i + 1) + "] "
                    + new String(chunks.get(i), UTF_8);
            messages.add(new SyslogMessage(priority, time, "app", procId, body, true));
        }
        return messages;
    }

    /** elog.c's mapping of PostgreSQL levels to syslog severities. */
    static int syslogSeverity(String errorSeverity) {
        return switch (errorSeverity) {
            case "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5" -> 7;
            case "LOG", "INFO" -> 6;
            case "NOTICE", "WARNING" -> 5;
            case "ERROR" -> 4;
            case "FATAL" -> 3;
            default -> 2;
        };
    }

    /** The text PostgreSQL would hand to syslog for one event: every line prefixed, ending with LF. */
    private static final class ServerLogText {
        private final PostgresLogRecord r;
        private final StringBuilder out = new StringBuilder(512);
        private long lineNumber;
        private int extraLines;

        ServerLogText(PostgresLogRecord record, long firstLineNumber) {
            this.r = record;
            this.lineNumber = firstLineNumber;
        }

        String build() {
            prefix();
            out.append(r.errorSeverity()).append(":  ");
            appendWithTabs(r.message());
            if (!r.queryPos().isEmpty()) {
                out.append(" at character ").append(r.queryPos());
            } else if (!r.internalQueryPos().isEmpty()) {
                out.append(" at character ").append(r.internalQueryPos());
            }
            out.append('\n');
            extraLine("DETAIL", r.detail());
            extraLine("HINT", r.hint());
            extraLine("QUERY", r.internalQuery());
            extraLine("CONTEXT", r.context());
            extraLine("LOCATION", r.location());
            extraLine("STATEMENT", r.query());
            return out.toString();
        }

        int extraLines() {
            return extraLines;
        }

        private void extraLine(String label, String value) {
            if (value.isEmpty()) {
                return;
            }
            lineNumber++;
            extraLines++;
            prefix();
            out.append(label).append(":  ");
            appendWithTabs(value);
            out.append('\n');
        }

        /** elog.c's append_with_tabs: a TAB after every LF, so that continuation lines stand out. */
        private void appendWithTabs(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                out.append(c);
                if (c == '\n') {
                    out.append('\t');
                }
            }
        }

        private void prefix() {
            String p = LOG_LINE_PREFIX;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c != '%' || i + 1 == p.length()) {
                    out.append(c);
                    continue;
                }
                char escape = p.charAt(++i);
                switch (escape) {
                    case 'e' -> out.append(r.sqlStateCode());
                    case 'm' -> out.append(r.logTime());
                    case 'p' -> out.append(r.processId());
                    case 's' -> out.append(r.sessionStartTime());
                    case 'c' -> out.append(r.sessionId());
                    case 'v' -> out.append(r.virtualTransactionId());
                    case 'x' -> out.append(r.transactionId());
                    case 'l' -> out.append(lineNumber);
                    case 'd' -> out.append(r.databaseName());
                    case 'r' -> out.append(connectionSource(r.connectionFrom()));
                    case 'u' -> out.append(r.userName());
                    case 'a' -> out.append(r.applicationName());
                    case 'q' -> {
                        if (!r.isSession()) {
                            return;
                        }
                    }
                    default -> out.append('%').append(escape);
                }
            }
        }
    }

    /** csvlog writes {@code host:port}; {@code %r} writes {@code host(port)}. */
    static String connectionSource(String connectionFrom) {
        int colon = connectionFrom.lastIndexOf(':');
        if (colon <= 0 || colon == connectionFrom.length() - 1 || connectionFrom.startsWith("[local]")) {
            return connectionFrom;
        }
        String port = connectionFrom.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit)) {
            return connectionFrom;
        }
        return connectionFrom.substring(0, colon) + "(" + port + ")";
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
