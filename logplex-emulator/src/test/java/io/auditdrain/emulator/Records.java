package io.auditdrain.emulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** csvlog records for tests, built column by column. */
final class Records {

    private final List<String> fields = new ArrayList<>(Collections.nCopies(26, ""));

    private Records() {
    }

    /** A client backend's LOG event, as {@code log_statement} writes it. */
    static Records clientBackend(String pid, int line, String message) {
        return new Records()
                .set(0, "2026-11-22 10:15:30.250 UTC").set(1, "raptor_app").set(2, "app_db").set(3, pid)
                .set(4, "127.0.0.1:50432").set(5, "6b034cd7." + pid).set(6, Integer.toString(line)).set(7, "idle")
                .set(8, "2026-11-22 10:15:29 UTC").set(9, "3/7").set(10, "0").set(11, "LOG").set(12, "00000")
                .set(13, message).set(22, "psql").set(23, "client backend");
    }

    /** An event of a process without a client connection (postmaster, checkpointer, ...). */
    static Records background(String pid, String backendType, int line, String message) {
        return new Records()
                .set(0, "2026-11-22 10:15:00.001 UTC").set(3, pid).set(5, "6b034cd7." + pid)
                .set(6, Integer.toString(line)).set(8, "2026-11-22 10:14:59 UTC").set(10, "0").set(11, "LOG")
                .set(12, "00000").set(13, message).set(23, backendType);
    }

    Records set(int column, String value) {
        fields.set(column, value);
        return this;
    }

    Records detail(String value) {
        return set(14, value);
    }

    Records severity(String severity, String sqlState) {
        return set(11, severity).set(12, sqlState);
    }

    Records query(String statement) {
        return set(19, statement);
    }

    PostgresLogRecord build() {
        return PostgresLogRecord.fromCsv(fields);
    }
}
