package io.auditdrain.verifier.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines.Prefix;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteTallyTest {

    private static final Instant T = Instant.parse("2026-03-01T12:00:00.250Z");
    private static final List<WriteTally.Table> AUDIT = List.of(
            new WriteTally.Table("public", "customer_audit_events", "customer_audit_events"),
            new WriteTally.Table("public", "users_history", "users_history"));

    private final WriteTally tally = new WriteTally(AUDIT, T.minusSeconds(3600), "raptor_app");
    private long logLine = 1;

    private void log(Instant time, long pid, String user, String application, String severityAndText) {
        log(HerokuPostgresLines.standard(), time, pid, user, application, severityAndText);
    }

    private void log(HerokuPostgresLines format, Instant time, long pid, String user, String application,
                     String severityAndText) {
        Prefix prefix = Prefix.at(time, pid, logLine++, user, application);
        for (String line : format.messages(time, prefix, logLine, severityAndText)) {
            tally.accept(LogplexMessage.parse(line).orElseThrow());
        }
    }

    private Map<String, WriteTally.Writer> writersOf(String table) {
        tally.finish();
        return tally.writers().getOrDefault(table, Map.of());
    }

    @Test
    void counts_each_role_per_table_with_its_commands_and_newest_time() {
        log(T, 10, "raptor_app", "web.1", "LOG:  execute <unnamed>: INSERT INTO customer_audit_events VALUES ($1)");
        log(T.plusSeconds(5), 10, "raptor_app", "web.1", "LOG:  statement: INSERT INTO customer_audit_events"
                + " VALUES ('b')");
        log(T.plusSeconds(9), 11, "audit_owner", "web.2", "LOG:  statement: UPDATE customer_audit_events SET"
                + " action = 'x'");
        Map<String, WriteTally.Writer> writers = writersOf("customer_audit_events");
        assertEquals(2, writers.get("raptor_app").statements());
        assertEquals(Set.of("INSERT"), writers.get("raptor_app").commands());
        assertEquals(T.plusSeconds(5), writers.get("raptor_app").newest());
        assertEquals(1, writers.get("audit_owner").statements());
        assertEquals(Set.of("UPDATE"), writers.get("audit_owner").commands());
        assertEquals(3, tally.statementLines());
    }

    @Test
    void a_statement_split_into_chunks_is_read_whole() {
        log(new HerokuPostgresLines("DATABASE", false, 30), T, 12, "audit_owner", "web.1",
                "LOG:  statement: DELETE FROM\n\tusers_history WHERE history_id = 1");
        assertEquals(1, writersOf("users_history").get("audit_owner").statements());
    }

    @Test
    void reads_and_other_tables_are_not_writes_of_an_audit_table() {
        log(T, 10, "audit_owner", "web.1", "LOG:  statement: SELECT * FROM customer_audit_events FOR UPDATE");
        log(T, 10, "audit_owner", "web.1", "LOG:  statement: UPDATE users SET email = 'DELETE FROM users_history'");
        tally.finish();
        assertTrue(tally.writers().isEmpty(), tally.writers().toString());
        assertEquals(2, tally.statementLines());
    }

    @Test
    void duration_and_pgaudit_lines_do_not_count_the_same_write_again() {
        log(T, 10, "audit_owner", "web.1", "LOG:  statement: DELETE FROM customer_audit_events");
        log(T, 10, "audit_owner", "web.1", "LOG:  duration: 1.5 ms  statement: DELETE FROM customer_audit_events");
        log(T, 10, "audit_owner", "web.1", "LOG:  AUDIT: SESSION,1,1,WRITE,DELETE,TABLE,public.customer_audit_events,"
                + "DELETE FROM customer_audit_events,<none>");
        assertEquals(1, writersOf("customer_audit_events").get("audit_owner").statements());
    }

    @Test
    void a_line_stored_twice_by_two_drains_counts_once() {
        HerokuPostgresLines format = HerokuPostgresLines.standard();
        Prefix prefix = Prefix.at(T, 20, 7, "audit_owner", "web.1");
        List<String> lines = format.messages(T, prefix, 1000, "LOG:  statement: TRUNCATE users_history");
        for (int copy = 0; copy < 2; copy++) {
            lines.forEach(l -> tally.accept(LogplexMessage.parse(l).orElseThrow()));
            log(T, 20, "audit_owner", "web.1", "LOG:  statement: SELECT 1");
        }
        assertEquals(1, writersOf("users_history").get("audit_owner").statements());
    }

    @Test
    void lines_stamped_before_the_window_are_left_out() {
        log(T.minusSeconds(7200), 10, "audit_owner", "web.1", "LOG:  statement: DELETE FROM customer_audit_events");
        assertTrue(writersOf("customer_audit_events").isEmpty());
    }

    @Test
    void a_schema_qualified_name_matches_and_another_schema_does_not() {
        log(T, 10, "audit_owner", "web.1", "LOG:  statement: UPDATE public.users_history SET operation = 'x'");
        log(T, 10, "audit_owner", "web.1", "LOG:  statement: UPDATE archive.users_history SET operation = 'x'");
        assertEquals(1, writersOf("users_history").get("audit_owner").statements());
    }

    @Test
    void writes_without_a_user_field_are_counted_apart() {
        log(T, 10, null, "web.1", "LOG:  statement: INSERT INTO customer_audit_events VALUES ('a')");
        tally.finish();
        assertEquals(1, tally.writesWithoutUser());
        assertEquals(0, tally.statementLinesWithUser());
        assertTrue(tally.writers().isEmpty());
    }

    @Test
    void the_restricted_roles_own_tracer_insert_is_counted_apart() {
        log(T, 10, "raptor_app", "auditdrain-verifier", "LOG:  statement: INSERT INTO customer_audit_events (id)"
                + " VALUES ('pgaudit-smoke-1767225600-abcdefghij')");
        tally.finish();
        assertEquals(1, tally.tracerInserts());
        assertTrue(tally.writers().isEmpty(), tally.writers().toString());
    }

    @Test
    void an_owners_insert_posing_as_the_verifiers_tracer_counts_against_the_owner() {
        // The verifier's application name and a tracer-shaped id: text anyone can write.
        log(T, 10, "audit_owner", "auditdrain-verifier", "LOG:  statement: INSERT INTO customer_audit_events (id)"
                + " VALUES ('pgaudit-smoke-1767225600-abcdefghij')");
        Map<String, WriteTally.Writer> writers = writersOf("customer_audit_events");
        assertEquals(0, tally.tracerInserts());
        assertEquals(1, writers.get("audit_owner").statements());
        assertEquals(1, writers.get("audit_owner").verifierMarked());
    }

    @Test
    void a_multi_row_insert_carrying_one_tracer_row_counts_against_the_owner() {
        log(T, 10, "audit_owner", "auditdrain-verifier", "LOG:  statement: INSERT INTO customer_audit_events (id,"
                + " action) VALUES ('pgaudit-smoke-1767225600-abcdefghij', 'smoke'), ('real-1', 'refund.approved')");
        assertEquals(1, writersOf("customer_audit_events").get("audit_owner").statements());
        assertEquals(0, tally.tracerInserts());
    }

    @Test
    void the_restricted_roles_probe_statements_are_counted_apart_and_the_owners_are_not() {
        String probe = "LOG:  statement: /* auditdrain-probe-1767225600-abcdefghij */ UPDATE public.users_history AS p"
                + " SET operation = 'x' WHERE tableoid = 16400::oid AND ctid = '(0,1)'::tid";
        log(T, 10, "raptor_app", "auditdrain-verifier", probe);
        log(T, 11, "audit_owner", "auditdrain-verifier", probe);
        Map<String, WriteTally.Writer> writers = writersOf("users_history");
        assertEquals(1, tally.probeStatements());
        assertEquals(Set.of("audit_owner"), writers.keySet());
        assertEquals(Set.of("UPDATE"), writers.get("audit_owner").commands());
    }

    @Test
    void the_verifiers_application_name_excuses_nothing_else() {
        log(T, 10, "audit_owner", "auditdrain-verifier", "LOG:  statement: DELETE FROM customer_audit_events"
                + " WHERE id = 'pgaudit-smoke-1767225600-abcdefghij'");
        log(T, 10, "raptor_app", "auditdrain-verifier", "LOG:  statement: DELETE FROM customer_audit_events"
                + " WHERE id = 'pgaudit-smoke-1767225600-abcdefghij'");
        Map<String, WriteTally.Writer> writers = writersOf("customer_audit_events");
        assertEquals(Set.of("DELETE"), writers.get("audit_owner").commands());
        assertEquals(Set.of("DELETE"), writers.get("raptor_app").commands());
        assertEquals(0, tally.tracerInserts());
    }

    @Test
    void a_write_through_a_view_counts_against_the_table_it_reads() {
        WriteTally viaView = new WriteTally(List.of(
                new WriteTally.Table("public", "customer_audit_events", "public.customer_audit_events"),
                new WriteTally.Table("reports", "recent_events", "public.customer_audit_events")),
                T.minusSeconds(3600), "raptor_app");
        Prefix prefix = Prefix.at(T, 30, 1, "audit_owner", "web.1");
        for (String line : HerokuPostgresLines.standard().messages(T, prefix, 1, "LOG:  statement: INSERT INTO"
                + " reports.recent_events (id) VALUES ('forged')")) {
            viaView.accept(LogplexMessage.parse(line).orElseThrow());
        }
        viaView.finish();
        assertEquals(1, viaView.writers().get("public.customer_audit_events").get("audit_owner").statements());
    }

    @Test
    void a_hostile_application_name_cannot_hide_a_write() {
        log(T, 10, "audit_owner", "x\" LOG:  statement: SELECT '", "LOG:  statement: DELETE FROM"
                + " customer_audit_events");
        assertEquals(Set.of("DELETE"), writersOf("customer_audit_events").get("audit_owner").commands());
    }
}
