package io.auditdrain.verifier.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.testing.LogplexFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresLogEntryTest {

    private static final String HEADER = "<134>1 2026-01-01T00:00:07+00:00 host app postgres.4242 - [DATABASE] ";
    private static final String PREFIX = " sql_error_code = 00000 time_ms = \"2026-01-01 00:00:06.123 UTC\" pid=\"4242\""
            + " proc_start_time=\"2026-01-01 00:00:00 UTC\" session_id=\"6790a3b1.1092\" vtid=\"3/17\" tid=\"0\""
            + " log_line=\"2\" database=\"d1abc\" connection_source=\"10.0.0.1(40000)\" user=\"raptor_app\""
            + " application_name=\"web.1\" ";

    private static PostgresLogEntry entry(String... chunks) {
        ChunkJoiner joiner = new ChunkJoiner();
        LoggedMessage last = null;
        for (int i = 0; i < chunks.length; i++) {
            last = joiner.accept(LogplexMessage.parse(HEADER + "[7-" + (i + 1) + "] " + chunks[i]).orElseThrow())
                    .orElseThrow();
        }
        return PostgresLogEntry.parse(last);
    }

    @Test
    void reads_every_field_of_herokus_prefix() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  statement: INSERT INTO customer_audit_events (id) VALUES ('a')");
        assertEquals(Optional.of("raptor_app"), e.user());
        assertEquals(Optional.of("d1abc"), e.database());
        assertEquals(Optional.of("4242"), e.pid());
        assertEquals(Optional.of("6790a3b1.1092"), e.sessionId());
        assertEquals(Optional.of("2"), e.logLine());
        assertEquals(Optional.of("web.1"), e.applicationName());
        assertEquals(Optional.of("00000"), e.sqlErrorCode());
        assertEquals(Optional.of("10.0.0.1(40000)"), e.field("connection_source"));
        assertEquals(List.of("sql_error_code", "time_ms", "pid", "proc_start_time", "session_id", "vtid", "tid",
                "log_line", "database", "connection_source", "user", "application_name"), List.copyOf(e.fields().keySet()));
        assertEquals("LOG", e.severity());
        assertEquals(PostgresLogEntry.Kind.STATEMENT, e.kind());
        assertEquals("INSERT INTO customer_audit_events (id) VALUES ('a')", e.statement());
        assertEquals("INSERT", e.command());
        assertTrue(e.isStatement());
    }

    @Test
    void takes_the_time_from_time_ms_to_the_millisecond() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  statement: SELECT 1");
        assertEquals(Instant.parse("2026-01-01T00:00:06.123Z"), e.timestamp());
    }

    @Test
    void falls_back_to_the_syslog_time_without_time_ms() {
        PostgresLogEntry e = entry(" user=\"raptor_app\" LOG:  statement: SELECT 1");
        assertEquals(Instant.parse("2026-01-01T00:00:07Z"), e.timestamp());
        assertEquals(Optional.of("raptor_app"), e.user());
    }

    @Test
    void reads_an_execute_line_and_its_portal() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  execute <unnamed>: UPDATE users SET email = $1 WHERE id = $2");
        assertEquals(PostgresLogEntry.Kind.EXECUTE, e.kind());
        assertEquals("UPDATE users SET email = $1 WHERE id = $2", e.statement());
        assertEquals("UPDATE", e.command());
    }

    @Test
    void reads_the_duration_before_a_statement() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  duration: 2405.887 ms  statement: DELETE FROM t");
        assertEquals(2405.887, e.durationMs());
        assertEquals("DELETE FROM t", e.statement());
        assertNull(entry(PREFIX + "LOG:  statement: DELETE FROM t").durationMs());
    }

    @Test
    void a_pgaudit_line_is_audit_and_has_no_command() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  AUDIT: SESSION,1,1,WRITE,INSERT,TABLE,public.t,INSERT INTO t,<none>");
        assertEquals(PostgresLogEntry.Kind.AUDIT, e.kind());
        assertEquals("", e.command());
        assertFalse(e.isStatement());
    }

    @Test
    void an_error_line_is_other_with_its_severity_and_code() {
        PostgresLogEntry e = entry(PREFIX.replace("00000", "42501") + "ERROR:  permission denied for table t");
        assertEquals("ERROR", e.severity());
        assertEquals(PostgresLogEntry.Kind.OTHER, e.kind());
        assertEquals(Optional.of("42501"), e.sqlErrorCode());
        assertEquals("permission denied for table t", e.statement());
    }

    @Test
    void a_background_process_line_has_no_user_or_database() {
        // Heroku's prefix stops at %q for processes without a client connection.
        PostgresLogEntry e = entry(" sql_error_code = 00000 time_ms = \"2026-01-01 00:00:06.123 UTC\" pid=\"77\""
                + " proc_start_time=\"2026-01-01 00:00:00 UTC\" session_id=\"6790a3b1.4d\" vtid=\"\" tid=\"0\""
                + " log_line=\"5\" LOG:  checkpoint starting: time");
        assertEquals(Optional.empty(), e.user());
        assertEquals(Optional.empty(), e.database());
        assertEquals(Optional.of(""), e.field("vtid"));
        assertEquals("checkpoint starting: time", e.statement());
    }

    @Test
    void joins_a_multi_line_statement_with_its_tab() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  statement: INSERT INTO", "\tcustomer_audit_events (id)",
                "\tVALUES ('a')");
        assertEquals("INSERT INTO\tcustomer_audit_events (id)\tVALUES ('a')", e.statement());
    }

    @Test
    void a_long_line_split_before_a_space_joins_back_exactly() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  statement: UPDATE customer_audit_events", " SET action = 'x'");
        assertEquals("UPDATE customer_audit_events SET action = 'x'", e.statement());
    }

    @Test
    void reads_the_shared_heroku_fixture() {
        byte[] body = LogplexFixtures.body("pganalyze-heroku-postgres-statement-2chunks-body.txt");
        ChunkJoiner joiner = new ChunkJoiner();
        LoggedMessage last = null;
        for (Frame f : LogplexFrameReader.read(body)) {
            last = joiner.accept(LogplexMessage.parse(new String(body, f.offset(), f.length(),
                    StandardCharsets.UTF_8)).orElseThrow()).orElseThrow();
        }
        PostgresLogEntry e = PostgresLogEntry.parse(last);
        assertEquals(Optional.of("useruseruserus"), e.user());
        assertEquals(Optional.of("databasedataba"), e.database());
        assertEquals(Optional.of("1991397"), e.pid());
        assertEquals(Optional.of("647e3878.1e62e5"), e.sessionId());
        assertEquals(Optional.of("pganalyze_test_run"), e.applicationName());
        assertEquals(Instant.parse("2023-06-05T19:33:14.793Z"), e.timestamp());
        assertEquals(2405.887, e.durationMs());
        assertEquals(PostgresLogEntry.Kind.STATEMENT, e.kind());
        assertEquals("WITH", e.command());
        assertTrue(e.statement().startsWith("WITH naptime(value) AS (\tSELECT"), e.statement());
    }

    @Test
    void a_message_without_a_prefix_is_read_from_its_severity() {
        LoggedMessage m = new ChunkJoiner().accept(LogplexMessage.parse("<134>1 2026-01-01T00:00:00+00:00 host app"
                + " postgres.3 - LOG:  checkpoint starting: time").orElseThrow()).orElseThrow();
        PostgresLogEntry e = PostgresLogEntry.parse(m);
        assertEquals("LOG", e.severity());
        assertTrue(e.fields().isEmpty());
        assertEquals(Optional.of("3"), e.pid());
    }

    @Test
    void a_hostile_application_name_cannot_hide_the_real_statement() {
        // The application names itself so that its name looks like the end of the prefix and the start of a
        // harmless statement that opens a string literal swallowing the real one.
        String hostile = PREFIX.replace("application_name=\"web.1\" ",
                "application_name=\"x\" LOG:  statement: SELECT '\" ");
        PostgresLogEntry e = entry(hostile + "LOG:  statement: DELETE FROM customer_audit_events");
        assertEquals(2, e.readings().size(), e.readings().toString());
        assertEquals("DELETE FROM customer_audit_events", e.readings().get(1));
        assertEquals(Optional.of("raptor_app"), e.user(), "the user comes before the application's own field");
    }

    @Test
    void an_ordinary_line_has_one_reading() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  statement: INSERT INTO customer_audit_events (id, action) VALUES"
                + " ('a', '\" LOG:  is too far from the application name to end it')");
        assertEquals(List.of(e.statement()), e.readings());
    }

    @Test
    void a_marker_lookalike_near_the_prefix_adds_a_reading_but_never_replaces_the_first() {
        PostgresLogEntry e = entry(PREFIX + "LOG:  statement: SELECT '\" LOG:  statement: x'");
        assertEquals("SELECT '\" LOG:  statement: x'", e.statement());
        assertEquals(e.statement(), e.readings().get(0));
    }
}
