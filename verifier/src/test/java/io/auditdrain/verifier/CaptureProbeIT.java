package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.DrainSimulator;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The capture probe itself on PostgreSQL 15: it passes on the reference schema with no option, from the role's own
 * session and from the owner's through SET ROLE; it leaves no row behind (only sequence values, which a rollback
 * never returns); it says what to configure when it cannot write a row; and its statements reach the log tagged, where
 * the writers check counts them apart only when the restricted role logged them.
 */
class CaptureProbeIT {

    private ReferenceDatabase db;

    @BeforeEach
    void setUp() {
        db = ReferenceDatabase.get();
        db.reset();
    }

    private static JsonNode probe(VerifierRun run) {
        return DoctorFixture.checks(run).get("capture-probe");
    }

    @Test
    void the_probe_passes_on_the_reference_schema_with_no_option_as_the_role_and_through_set_role() {
        for (String[] args : new String[][] {{}, {"--set-role", "raptor_app"}}) {
            VerifierRun run = DoctorFixture.databaseOnly(db, args).assertExit(0);
            JsonNode probe = probe(run);
            assertEquals("PASS", probe.get("verdict").asText(), run.output());
            assertTrue(probe.get("detail").asText().startsWith("3 source tables, 7 audit tables: each write to a"
                    + " source table left its row in the history table, each audit table took an INSERT and refused"
                    + " UPDATE, DELETE and TRUNCATE (as raptor_app"), run.output());
            assertTrue(probe.get("detail").asText().matches(".* statements tagged auditdrain-probe-\\d+-[a-z2-7]{10},"
                    + " rolled back\\)"), run.output());
        }
    }

    @Test
    void the_probe_leaves_no_row_behind_only_sequence_values() {
        Map<String, String> rows = rowCounts();
        Map<String, String> sequences = sequenceValues();
        DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals(rows, rowCounts(), "every table holds the rows it held before");
        assertEquals("0", db.sql("SELECT count(*) FROM pg_prepared_xacts").strip(), "no transaction left prepared");
        // What a rollback cannot undo: each sequence the probe's INSERTs drew from has moved on.
        Map<String, String> after = sequenceValues();
        Set<String> moved = new java.util.TreeSet<>();
        after.forEach((s, v) -> {
            if (!v.equals(sequences.get(s))) {
                moved.add(s);
            }
        });
        assertEquals(Set.of("public.passkeys_history_history_id_seq", "public.passkeys_id_seq",
                "public.positions_history_history_id_seq", "public.sessions_history_history_id_seq",
                "public.sessions_id_seq", "public.subscriptions_history_history_id_seq",
                "public.trades_history_history_id_seq", "public.users_history_history_id_seq",
                "public.users_id_seq"), moved);
    }

    @Test
    void a_probe_stopped_half_way_leaves_no_row_behind_either() {
        // The DELETE is refused by a rule after the INSERT and UPDATEs were captured: the probe stops there.
        db.sql("CREATE RULE drift_rule AS ON DELETE TO users DO INSTEAD NOTHING");
        Map<String, String> rows = rowCounts();
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(1);
        assertTrue(probe(run).get("detail").asText().contains("DELETE from public.users failed: cannot perform DELETE"
                + " RETURNING"), run.output());
        assertEquals(rows, rowCounts());
    }

    @Test
    void a_column_the_probe_cannot_fill_fails_with_what_to_configure_and_a_value_for_it_passes() {
        db.addCapturedTable("drift_stores", "id bigserial PRIMARY KEY, name text NOT NULL, location point NOT NULL");
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(1);
        JsonNode probe = probe(run);
        assertTrue(probe.get("detail").asText().contains("cannot probe public.drift_stores: the probe cannot make up"
                + " a value for location (point) of public.drift_stores: give one with --probe-value"
                + " public.drift_stores.location=VALUE"), run.output());
        assertTrue(probe.get("remedy").asText().contains("--probe-value"), run.output());

        VerifierRun given = DoctorFixture.databaseOnly(db, "--probe-value", "drift_stores.location=(1.5,2)")
                .assertExit(0);
        assertEquals("PASS", probe(given).get("verdict").asText(), given.output());
        VerifierRun fromEnvironment = VerifierRun.run(Map.of("AUDITDRAIN_APP_DATABASE_URL", db.appUrl(),
                "AUDITDRAIN_PROBE_VALUES", "public.drift_stores.location=(0,0);public.users.email=x"), "doctor",
                "--json").assertExit(0);
        assertEquals("PASS", probe(fromEnvironment).get("verdict").asText(), fromEnvironment.output());
    }

    @Test
    void a_foreign_key_takes_an_existing_key_and_an_empty_referenced_table_is_a_probe_that_cannot_run() {
        db.sql("CREATE TABLE drift_accounts (id bigserial PRIMARY KEY, name text); ALTER TABLE drift_accounts OWNER TO"
                + " audit_owner; GRANT SELECT, INSERT, UPDATE, DELETE ON drift_accounts TO raptor_app");
        db.addCapturedTable("drift_entries", "id bigserial PRIMARY KEY,"
                + " account_id bigint NOT NULL REFERENCES drift_accounts (id), amount numeric(10, 2) NOT NULL");
        VerifierRun empty = DoctorFixture.databaseOnly(db).assertExit(1);
        assertTrue(probe(empty).get("detail").asText().contains("cannot probe public.drift_entries: INSERT INTO"
                + " public.drift_entries failed: null value in column \"account_id\""), empty.output());

        db.sql("INSERT INTO drift_accounts (name) VALUES ('cash')");
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals("PASS", probe(run).get("verdict").asText(), run.output());
    }

    @Test
    void history_rows_placed_before_a_keyless_tables_last_page_are_found() {
        // A history table with no key: the probe reads it from its last page on. With free space early in it (rows
        // deleted, then vacuumed) a new history row lands there, and only the read of the whole table finds it.
        db.sql("""
                CREATE TABLE drift_notes (id bigserial PRIMARY KEY, body text NOT NULL);
                CREATE TABLE drift_notes_history (operation text NOT NULL, row_data jsonb NOT NULL);
                ALTER TABLE drift_notes OWNER TO audit_owner;
                ALTER TABLE drift_notes_history OWNER TO audit_owner;
                CREATE TRIGGER drift_notes_capture AFTER INSERT OR UPDATE OR DELETE ON drift_notes
                    FOR EACH ROW EXECUTE FUNCTION fn_capture_history();
                GRANT SELECT, INSERT, UPDATE, DELETE ON drift_notes TO raptor_app;
                GRANT INSERT, SELECT ON drift_notes_history TO raptor_app;
                GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO raptor_app;
                INSERT INTO drift_notes_history SELECT 'SEED', jsonb_build_object('n', n)
                    FROM generate_series(1, 3000) n;
                DELETE FROM drift_notes_history WHERE (row_data->>'n')::int <= 1500;""");
        db.sql("VACUUM drift_notes_history");
        int lastPage = Integer.parseInt(db.sql("SELECT pg_relation_size('drift_notes_history') / 8192 - 1").strip());
        try (Connection c = db.connectAsApp(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO drift_notes (body) VALUES ('early page')");
            try (ResultSet rs = st.executeQuery("SELECT (ctid::text::point)[0]::int FROM drift_notes_history"
                    + " WHERE row_data->>'body' = 'early page'")) {
                rs.next();
                assertTrue(rs.getInt(1) < lastPage, "the row went to page " + rs.getInt(1) + ", before the last page "
                        + lastPage);
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals("PASS", probe(run).get("verdict").asText(), run.output());
        assertTrue(run.json().get("audit_objects").toString().contains("public.drift_notes_history"), run.output());
    }

    @Test
    void the_probes_statements_reach_the_log_tagged_and_writers_counts_them_apart_only_as_the_role() {
        DoctorFixture fixture = new DoctorFixture();
        String marker = "probe-marker-" + UUID.randomUUID();
        VerifierRun first;
        try (DrainSimulator drain = new DrainSimulator(db.server().csvLog(), fixture.bucket().objects(),
                DoctorFixture.APP, HerokuPostgresLines.standard())) {
            first = fixture.doctor();
            fixture.asApp("INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action)"
                    + " VALUES ('" + marker + "', 'd', 1, 'a', 't', 'x')");
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        first.assertExit(0);
        int sent = Integer.parseInt(probe(first).get("detail").asText()
                .replaceAll(".*, (\\d+) statements tagged.*", "$1"));
        VerifierRun second = fixture.passes();
        String writers = DoctorFixture.checks(second).get("writers").get("detail").asText();
        // Those that write an audit table (the rest write source tables) are set apart, not counted as raptor_app's
        // UPDATE, DELETE and TRUNCATE attempts.
        int apart = Integer.parseInt(writers.replaceAll(".*; (\\d+) probe statements of the verifier as raptor_app not"
                + " counted$", "$1"));
        assertTrue(apart > 0 && apart < sent, writers);
        assertTrue(writers.contains("public.customer_audit_events: raptor_app 2 (INSERT, newest "), writers);

        // From the owner's session the same statements are logged under the owner's name: they are its writes.
        marker = "probe-marker-" + UUID.randomUUID();
        try (DrainSimulator drain = new DrainSimulator(db.server().csvLog(), fixture.bucket().objects(),
                DoctorFixture.APP, HerokuPostgresLines.standard())) {
            fixture.doctor("--set-role", "raptor_app");
            fixture.asApp("INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action)"
                    + " VALUES ('" + marker + "', 'd', 1, 'a', 't', 'x')");
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        JsonNode check = fixture.failsExactly("writers", "--set-role", "raptor_app");
        assertTrue(check.get("detail").asText().contains("audit_owner"), check.toString());
        assertTrue(check.get("detail").asText().contains("carry the verifier's tracer or probe mark, which counts"
                + " only on raptor_app's own lines"), check.toString());
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Every table of the database and its row count, read as the superuser. */
    private Map<String, String> rowCounts() {
        Map<String, String> counts = new TreeMap<>();
        String tables = db.sql("SELECT string_agg(format('%I.%I', schemaname, relname), ' ') FROM pg_stat_user_tables");
        for (String t : tables.strip().split(" ")) {
            counts.put(t, db.sql("SELECT count(*) FROM " + t).strip());
        }
        return counts;
    }

    private Map<String, String> sequenceValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : db.sql("SELECT format('%I.%I', schemaname, sequencename) || '=' || coalesce(last_value, 0)"
                + " FROM pg_sequences ORDER BY 1").strip().split("\n")) {
            String[] kv = line.split("=");
            values.put(kv[0], kv[1]);
        }
        return values;
    }
}
