package io.auditdrain.emulator;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * One record of PostgreSQL's csvlog (the columns of PostgreSQL 13 to 17; older servers write the first 23). Values
 * are kept as the server wrote them, because the Heroku log line prefix repeats most of them verbatim.
 */
record PostgresLogRecord(
        String logTime,
        String userName,
        String databaseName,
        String processId,
        String connectionFrom,
        String sessionId,
        String sessionLineNum,
        String commandTag,
        String sessionStartTime,
        String virtualTransactionId,
        String transactionId,
        String errorSeverity,
        String sqlStateCode,
        String message,
        String detail,
        String hint,
        String internalQuery,
        String internalQueryPos,
        String context,
        String query,
        String queryPos,
        String location,
        String applicationName,
        String backendType) {

    /** Columns up to application_name, which every csvlog since PostgreSQL 9.0 has. */
    static final int MIN_COLUMNS = 23;

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

    static PostgresLogRecord fromCsv(List<String> f) {
        if (f.size() < MIN_COLUMNS) {
            throw new IllegalArgumentException("a csvlog record has at least " + MIN_COLUMNS + " columns, this one "
                    + f.size());
        }
        return new PostgresLogRecord(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5), f.get(6), f.get(7),
                f.get(8), f.get(9), f.get(10), f.get(11), f.get(12), f.get(13), f.get(14), f.get(15), f.get(16),
                f.get(17), f.get(18), f.get(19), f.get(20), f.get(21), f.get(22), f.size() > 23 ? f.get(23) : "");
    }

    /**
     * A session process (a client backend) has a connection; the postmaster and background workers do not, and the
     * {@code %q} of a log line prefix cuts their prefix short.
     */
    boolean isSession() {
        return !connectionFrom.isEmpty();
    }

    /**
     * {@code log_time} as an instant, when its zone is one that can be read unambiguously: UTC or GMT (Heroku's
     * log_timezone, and the stack's), a numeric offset, or a zone short id.
     */
    Optional<Instant> logInstant() {
        int space = logTime.lastIndexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        try {
            LocalDateTime local = LocalDateTime.parse(logTime.substring(0, space), LOG_TIME);
            return zone(logTime.substring(space + 1)).map(z -> local.atZone(z).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<ZoneId> zone(String name) {
        if (name.equals("UTC") || name.equals("GMT") || name.equals("Z")) {
            return Optional.of(ZoneOffset.UTC);
        }
        try {
            if (name.startsWith("+") || name.startsWith("-")) {
                return Optional.of(ZoneOffset.of(name.length() == 3 ? name + ":00" : name));
            }
            return Optional.of(ZoneId.of(name, ZoneId.SHORT_IDS));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
