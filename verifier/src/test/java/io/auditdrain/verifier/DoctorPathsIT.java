package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every path of issue 17 by which a write succeeded while no history row (or no audit row) landed and doctor said
 * PASS, seeded in the reference schema on PostgreSQL 15; doctor now fails it, and the test then walks the path as
 * raptor_app to show it is real. The trigger and rule families are generated classes, several variants each: what
 * catches them is the capture probe's behaviour (its detail names the write that was not captured), not a pattern
 * the variant happens to match. Logical replication has a cluster of its own (LogicalReplicationIT); the writers
 * paths are WritersIT's.
 */
class DoctorPathsIT {

    private ReferenceDatabase db;

    @BeforeEach
    void setUp() {
        db = ReferenceDatabase.get();
        db.reset();
    }

    private void sql(String sql) {
        db.sql(sql);
    }

    private String value(String sql) {
        return db.sql(sql).strip();
    }

    /** doctor with the role's own URL (no store: the bucket, drain and writers checks skip); exit 1, the checks. */
    private Map<String, JsonNode> failing(String... extra) {
        VerifierRun run = DoctorFixture.databaseOnly(db, extra).assertExit(1);
        return DoctorFixture.checks(run);
    }

    private static void assertFails(Map<String, JsonNode> checks, String check, String detailPart) {
        JsonNode c = checks.get(check);
        assertEquals("FAIL", c.get("verdict").asText(), checks.toString());
        assertTrue(c.get("detail").asText().contains(detailPart), detailPart + " in " + c);
        assertFalse(c.get("remedy").asText().isBlank(), c.toString());
    }

    // --- the trigger family: enabled, and not capturing ---------------------------------------------------------

    /** A trigger on users in place of trg_users_history, or its function changed, as the owner could leave it. */
    static Stream<Arguments> triggersThatDoNotCapture() {
        String trigger = "CREATE OR REPLACE TRIGGER trg_users_history AFTER %s ON users FOR EACH ROW %s"
                + " EXECUTE FUNCTION %s()";
        String all = "INSERT OR UPDATE OR DELETE";
        String function = """
                CREATE FUNCTION drift_capture() RETURNS trigger LANGUAGE plpgsql
                    SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                    %s
                    RETURN NULL;
                END $$;
                ALTER FUNCTION drift_capture() OWNER TO audit_owner;
                """ + String.format(trigger, all, "", "drift_capture");
        String write = "INSERT INTO public.users_history (operation, row_data) VALUES (%s, %s);";
        List<Arguments> variants = new ArrayList<>();
        // WHEN conditions that are false in raptor_app's sessions (and so in the probe's)
        for (String when : List.of("false", "current_user <> 'raptor_app'", "session_user <> 'raptor_app'",
                "current_setting('auditdrain.capture', true) = 'on'", "pg_trigger_depth() > 1")) {
            variants.add(Arguments.of("WHEN (" + when + ")", String.format(trigger, all, "WHEN (" + when + ")",
                    "fn_capture_history")));
        }
        // events that leave some writes out
        for (String events : List.of("INSERT", "INSERT OR DELETE", "INSERT OR UPDATE", "UPDATE OR DELETE",
                "INSERT OR UPDATE OF email OR DELETE", "INSERT OR UPDATE OF email_verified_at OR DELETE")) {
            variants.add(Arguments.of("AFTER " + events, String.format(trigger, events, "", "fn_capture_history")));
        }
        variants.add(Arguments.of("ENABLE REPLICA", "ALTER TABLE users ENABLE REPLICA TRIGGER trg_users_history"));
        // the trigger pointed at another function, or its function's body replaced (search_path pinned throughout)
        variants.add(Arguments.of("pointed at a function that does nothing", String.format(function, "NULL;")));
        variants.add(Arguments.of("body replaced by one that does nothing", """
                CREATE OR REPLACE FUNCTION fn_capture_history() RETURNS trigger LANGUAGE plpgsql
                    SET search_path = pg_catalog, public, pg_temp AS $$BEGIN RETURN NULL; END$$"""));
        variants.add(Arguments.of("writes the wrong operation", String.format(function,
                String.format(write, "'INSERT'", "to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END)"))));
        variants.add(Arguments.of("writes an empty row image", String.format(function,
                String.format(write, "TG_OP", "'{}'"))));
        variants.add(Arguments.of("writes only the key", String.format(function, String.format(write, "TG_OP",
                "jsonb_build_object('id', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)"))));
        variants.add(Arguments.of("skips DELETE", String.format(function, "IF TG_OP <> 'DELETE' THEN "
                + String.format(write, "TG_OP", "to_jsonb(NEW)") + " END IF;")));
        variants.add(Arguments.of("captures only when a session asks", String.format(function,
                "IF current_setting('auditdrain.capture', true) = 'on' THEN " + String.format(write, "TG_OP",
                        "to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END)") + " END IF;")));
        variants.add(Arguments.of("writes into a table the role may empty", "CREATE TABLE drift_sink (note text,"
                + " row_data jsonb); GRANT SELECT, INSERT, UPDATE, DELETE ON drift_sink TO raptor_app;"
                + String.format(function, "INSERT INTO public.drift_sink VALUES (TG_OP, to_jsonb(CASE WHEN TG_OP ="
                + " 'DELETE' THEN OLD ELSE NEW END));")));
        variants.add(Arguments.of("a statement-level trigger without the rows", String.format(function,
                String.format(write, "TG_OP", "'{}'")).replace("FOR EACH ROW", "FOR EACH STATEMENT")));
        return variants.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("triggersThatDoNotCapture")
    void a_history_trigger_that_is_enabled_but_does_not_capture_fails_the_probe(String variant, String seed) {
        sql(seed);
        assertFails(failing(), "capture-probe", " public.users left ");
        assertFalse(uncapturedWritesToUsers().isEmpty(), variant + ": raptor_app's writes all left their rows");
    }

    /**
     * raptor_app INSERTs a user, UPDATEs each column, DELETEs it; returns the writes whose row (operation and row as
     * written) is not in users_history.
     */
    private List<String> uncapturedWritesToUsers() {
        List<String[]> writes = new ArrayList<>();
        String email = "walk-" + UUID.randomUUID() + "@example.invalid";
        try (Connection c = db.connectAsApp(); Statement st = c.createStatement()) {
            long id;
            try (ResultSet rs = st.executeQuery("INSERT INTO users AS u (email) VALUES ('" + email + "')"
                    + " RETURNING u.id, to_jsonb(u)")) {
                rs.next();
                id = rs.getLong(1);
                writes.add(new String[] {"INSERT", rs.getString(2)});
            }
            for (String set : List.of("email_verified_at = now()", "email = 'x-" + email + "'")) {
                try (ResultSet rs = st.executeQuery("UPDATE users AS u SET " + set + " WHERE id = " + id
                        + " RETURNING to_jsonb(u)")) {
                    rs.next();
                    writes.add(new String[] {"UPDATE", rs.getString(1)});
                }
            }
            try (ResultSet rs = st.executeQuery("DELETE FROM users AS u WHERE id = " + id + " RETURNING to_jsonb(u)")) {
                rs.next();
                writes.add(new String[] {"DELETE", rs.getString(1)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        List<String> missing = new ArrayList<>();
        for (String[] w : writes) {
            String found = value("SELECT count(*) FROM users_history WHERE operation = '" + w[0] + "' AND row_data @> '"
                    + w[1].replace("'", "''") + "'::jsonb");
            if (found.equals("0")) {
                missing.add(w[0] + " " + w[1]);
            }
        }
        return missing;
    }

    // --- the rule family ----------------------------------------------------------------------------------------

    /** A rule the owner could leave on an audit, history or source table; a write raptor_app makes; what must land. */
    static Stream<Arguments> rulesThatStopCapture() {
        List<Arguments> variants = new ArrayList<>();
        String audit = "INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action)"
                + " VALUES ('walk-%s', 'd', 1, 'a', 't', 'x')";
        Map<String, String[]> appendOnly = Map.of(
                "customer_audit_events", new String[] {audit,
                    "SELECT count(*) FROM customer_audit_events WHERE id = 'walk-%s'"},
                "users_history", new String[] {"INSERT INTO users (email) VALUES ('walk-%s')",
                    "SELECT count(*) FROM users_history WHERE row_data->>'email' = 'walk-%s'"});
        for (String table : List.of("customer_audit_events", "users_history")) {
            String[] walk = appendOnly.get(table);
            for (String[] rule : List.of(
                    new String[] {"ON INSERT DO INSTEAD NOTHING", "AS ON INSERT TO " + table + " DO INSTEAD NOTHING"},
                    new String[] {"ON INSERT DO INSTEAD NOTHING for raptor_app only", "AS ON INSERT TO " + table
                            + " WHERE current_user = 'raptor_app' DO INSTEAD NOTHING"},
                    new String[] {"ON INSERT DO INSTEAD into another table", "AS ON INSERT TO " + table
                            + " DO INSTEAD INSERT INTO drift_sink VALUES ('diverted')"})) {
                variants.add(Arguments.of(table + " " + rule[0], "CREATE TABLE drift_sink (note text); GRANT ALL ON"
                        + " drift_sink TO raptor_app; CREATE RULE drift_rule " + rule[1], walk[0], walk[1]));
            }
        }
        String user = "INSERT INTO users (email) VALUES ('walk-%s')";
        variants.add(Arguments.of("users ON INSERT DO INSTEAD NOTHING", "CREATE RULE drift_rule AS ON INSERT TO users"
                + " DO INSTEAD NOTHING", user, "SELECT count(*) FROM users_history WHERE row_data->>'email' ="
                + " 'walk-%s'"));
        variants.add(Arguments.of("users ON UPDATE DO INSTEAD NOTHING", "CREATE RULE drift_rule AS ON UPDATE TO users"
                + " DO INSTEAD NOTHING", user + "; UPDATE users SET email_verified_at = now() WHERE email ="
                + " 'walk-%1$s'", "SELECT count(*) FROM users_history WHERE operation = 'UPDATE' AND"
                + " row_data->>'email' = 'walk-%s'"));
        variants.add(Arguments.of("users ON DELETE DO INSTEAD NOTHING", "CREATE RULE drift_rule AS ON DELETE TO users"
                + " DO INSTEAD NOTHING", user + "; DELETE FROM users WHERE email = 'walk-%1$s'",
                "SELECT count(*) FROM users_history WHERE operation = 'DELETE' AND row_data->>'email' = 'walk-%s'"));
        variants.add(Arguments.of("passkeys ON INSERT DO INSTEAD into another table", "CREATE TABLE drift_sink (note"
                + " text); GRANT ALL ON drift_sink TO raptor_app; CREATE RULE drift_rule AS ON INSERT TO passkeys DO"
                + " INSTEAD INSERT INTO drift_sink VALUES (NEW.credential_id)", "INSERT INTO passkeys (user_id,"
                + " credential_id) VALUES (1, 'walk-%s')", "SELECT count(*) FROM passkeys_history WHERE"
                + " row_data->>'credential_id' = 'walk-%s'"));
        return variants.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rulesThatStopCapture")
    void a_rule_that_stops_capture_fails_the_probe_and_rewrite_rules(String variant, String seed, String walk,
                                                                      String landed) {
        sql(seed);
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "rewrite-rules", "rule drift_rule ON ");
        assertFails(checks, "capture-probe", "");
        assertTrue(checks.get("capture-probe").get("detail").asText().matches(".*(rewrites|wrote no row|left no row"
                + "|changed no row|removed no row|failed).*"), checks.get("capture-probe").toString());
        String id = UUID.randomUUID().toString();
        runAsApp(String.format(walk, id).split("; "));
        assertEquals("0", value(String.format(landed, id)), variant + ": the write was accepted and nothing landed");
    }

    @Test
    void a_rule_that_deletes_audit_rows_with_the_owners_privileges_fails_rewrite_rules() {
        // The probe's own writes never meet its condition: the catalog check is what catches this one.
        sql("CREATE RULE drift_rule AS ON INSERT TO passkeys WHERE NEW.credential_id LIKE 'forget:%' DO ALSO"
                + " DELETE FROM customer_audit_events WHERE id = substr(NEW.credential_id, 8)");
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(1);
        assertEquals(Set.of("rewrite-rules"), DoctorFixture.withVerdict(run, "FAIL"), run.output());
        assertTrue(DoctorFixture.checks(run).get("rewrite-rules").get("detail").asText().contains("DO ALSO rule"
                + " drift_rule ON INSERT TO public.passkeys"), run.output());

        sql("INSERT INTO customer_audit_events VALUES ('walk-1', 'd', 0, 'a', 't', 'x', now())");
        runAsApp("INSERT INTO passkeys (user_id, credential_id) VALUES (1, 'forget:walk-1')");
        assertEquals("0", value("SELECT count(*) FROM customer_audit_events WHERE id = 'walk-1'"),
                "raptor_app deleted an audit row by inserting a passkey");
    }

    @Test
    void a_view_that_updates_audit_rows_with_its_owners_privileges_fails_rewrite_rules() {
        sql("CREATE VIEW drift_events AS SELECT * FROM customer_audit_events; ALTER VIEW drift_events OWNER TO"
                + " audit_owner; GRANT SELECT, UPDATE ON drift_events TO raptor_app");
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(1);
        assertEquals(Set.of("rewrite-rules"), DoctorFixture.withVerdict(run, "FAIL"), run.output());
        JsonNode check = DoctorFixture.checks(run).get("rewrite-rules");
        assertTrue(check.get("detail").asText().contains("raptor_app may UPDATE public.drift_events, a view over"
                + " public.customer_audit_events owned by audit_owner"), check.toString());
        assertTrue(check.get("remedy").asText().contains("security_invoker = true"), check.toString());

        sql("INSERT INTO customer_audit_events VALUES ('walk-2', 'd', 0, 'a', 't', 'x', now())");
        runAsApp("UPDATE drift_events SET action = 'rewritten' WHERE id = 'walk-2'");
        assertEquals("rewritten", value("SELECT action FROM customer_audit_events WHERE id = 'walk-2'"));
    }

    // --- partitions and inheritance children ------------------------------------------------------------------

    @Test
    void a_partition_of_an_audit_table_owned_by_the_role_fails_and_the_role_deletes_its_rows() {
        sql("""
                CREATE TABLE drift_ledger (id bigint NOT NULL, at date NOT NULL, entry text NOT NULL)
                    PARTITION BY RANGE (at);
                CREATE TABLE drift_ledger_2000 PARTITION OF drift_ledger FOR VALUES FROM ('2000-01-01') TO ('2100-01-01');
                ALTER TABLE drift_ledger OWNER TO audit_owner;
                ALTER TABLE drift_ledger_2000 OWNER TO audit_owner;
                GRANT INSERT, SELECT ON drift_ledger TO raptor_app;""");
        // Healthy: the partition, reached through its parent, holds no grant and lacks none.
        VerifierRun healthy = DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals(Set.of(), DoctorFixture.withVerdict(healthy, "WARN"), healthy.output());
        assertTrue(healthy.json().get("audit_objects").toString().contains("partition of public.drift_ledger"),
                healthy.output());

        sql("ALTER TABLE drift_ledger_2000 OWNER TO raptor_app");
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "role-owns-no-audit-table", "public.drift_ledger_2000 is owned by raptor_app (partition"
                + " of public.drift_ledger: raptor_app can delete its rows)");
        assertFails(checks, "capture-probe", "DELETE from public.drift_ledger_2000 was allowed");

        sql("INSERT INTO drift_ledger VALUES (1, '2026-01-01', 'a payment')");
        runAsApp("DELETE FROM drift_ledger_2000");
        assertEquals("0", value("SELECT count(*) FROM drift_ledger"), "the audit table's rows are gone");
    }

    @Test
    void an_inheritance_child_of_an_audit_table_owned_by_the_role_fails_and_the_role_deletes_its_rows() {
        sql("CREATE TABLE drift_events_child () INHERITS (customer_audit_events);"
                + " ALTER TABLE drift_events_child OWNER TO raptor_app");
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "role-owns-no-audit-table", "public.drift_events_child is owned by raptor_app (inherits"
                + " from public.customer_audit_events");
        assertFails(checks, "capture-probe", "DELETE from public.drift_events_child was allowed");

        // Rows written into the child are rows of customer_audit_events, and its owner deletes them.
        runAsApp("INSERT INTO drift_events_child VALUES ('walk-3', 'd', 0, 'a', 't', 'x', now())");
        assertEquals("1", value("SELECT count(*) FROM customer_audit_events WHERE id = 'walk-3'"));
        runAsApp("DELETE FROM drift_events_child WHERE id = 'walk-3'");
        assertEquals("0", value("SELECT count(*) FROM customer_audit_events WHERE id = 'walk-3'"));
    }

    @Test
    void a_history_table_the_role_cannot_reach_and_its_unwritable_table_are_no_finding() {
        // Another schema's copy, written by no one the role can become: nothing of the role's to capture or refuse.
        sql("CREATE SCHEMA drift; CREATE TABLE drift.users (LIKE public.users);"
                + " CREATE TABLE drift.users_history (LIKE public.users_history)");
        VerifierRun run = DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals(Set.of(), DoctorFixture.withVerdict(run, "WARN"), run.output());
        assertTrue(DoctorFixture.checks(run).get("capture-probe").get("detail").asText().contains("raptor_app may"
                + " not write drift.users_history (refusals probed only)"), run.output());
    }

    // --- the session's search_path ------------------------------------------------------------------------------

    @Test
    void a_shadow_table_earlier_on_the_roles_search_path_fails_and_doctor_still_examines_the_real_table() {
        sql("GRANT CREATE ON DATABASE auditdrain TO raptor_app");
        // raptor_app plants the shadow itself: "$user" comes before public on its default search_path.
        runAsApp("CREATE SCHEMA raptor_app", "CREATE TABLE raptor_app.customer_audit_events"
                + " (LIKE public.customer_audit_events INCLUDING ALL)");
        for (String[] args : List.of(new String[0], new String[] {"--set-role", "raptor_app"})) {
            VerifierRun run = DoctorFixture.databaseOnly(db, args).assertExit(1);
            assertEquals(Set.of("role-search-path"), DoctorFixture.withVerdict(run, "FAIL"), run.output());
            assertTrue(DoctorFixture.checks(run).get("role-search-path").get("detail").asText().contains(
                    "a bare customer_audit_events in raptor_app's sessions is raptor_app.customer_audit_events (a table"
                            + " owned by raptor_app), not public.customer_audit_events"), run.output());
            // What doctor judged is the real table, by its schema.
            JsonNode found = run.json().get("audit_objects").get("audit_tables");
            assertTrue(found.toString().contains("\"public.customer_audit_events\""), found.toString());
            assertFalse(found.toString().contains("raptor_app.customer_audit_events"), found.toString());
        }

        runAsApp("INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action)"
                + " VALUES ('walk-4', 'd', 1, 'a', 't', 'x')", "DELETE FROM customer_audit_events WHERE id = 'walk-4'");
        assertEquals("0", value("SELECT count(*) FROM public.customer_audit_events WHERE id = 'walk-4'"),
                "the unqualified INSERT landed in the shadow, which raptor_app emptied");
    }

    @Test
    void doctor_judges_the_real_table_though_a_shadow_with_proper_grants_comes_first_on_the_roles_path() {
        // A shadow with exactly INSERT and SELECT for the role, while the real table lets it DELETE: a doctor that
        // looked the name up on the role's path would judge the shadow and pass.
        sql("CREATE SCHEMA raptor_app AUTHORIZATION audit_owner;"
                + " CREATE TABLE raptor_app.customer_audit_events (LIKE public.customer_audit_events INCLUDING ALL);"
                + " ALTER TABLE raptor_app.customer_audit_events OWNER TO audit_owner;"
                + " GRANT USAGE ON SCHEMA raptor_app TO raptor_app;"
                + " GRANT INSERT, SELECT ON raptor_app.customer_audit_events TO raptor_app;"
                + " GRANT DELETE ON public.customer_audit_events TO raptor_app");
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "audit-table-grants", "public.customer_audit_events: DELETE granted");
        assertFails(checks, "capture-probe", "DELETE from public.customer_audit_events was allowed");
        assertFails(checks, "role-search-path", "is raptor_app.customer_audit_events (a table owned by audit_owner)");
    }

    @Test
    void create_on_the_database_alone_fails_role_search_path_before_any_shadow_exists() {
        sql("GRANT CREATE ON DATABASE auditdrain TO raptor_app");
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "role-search-path", "raptor_app may create the schema raptor_app (CREATE on the"
                + " database), which comes before public on its search_path");
        assertTrue(checks.get("role-search-path").get("remedy").asText().contains("REVOKE CREATE ON DATABASE"
                + " auditdrain FROM raptor_app, PUBLIC;"), checks.toString());
    }

    // --- audit tables doctor was never told about ---------------------------------------------------------------

    @Test
    void a_new_history_table_is_found_and_truncate_on_it_fails() {
        db.addCapturedTable("drift_invoices", "id bigserial PRIMARY KEY, amount integer NOT NULL");
        // No option: it is found, probed (capture works), and passes; grant-drift has nothing to say about it.
        VerifierRun healthy = DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals(Set.of(), DoctorFixture.withVerdict(healthy, "WARN"), healthy.output());
        assertTrue(healthy.json().get("audit_objects").toString().contains("public.drift_invoices_history"),
                healthy.output());

        sql("GRANT TRUNCATE ON drift_invoices_history TO raptor_app");
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "audit-table-grants", "public.drift_invoices_history: TRUNCATE granted");
        assertFails(checks, "capture-probe", "TRUNCATE of public.drift_invoices_history was allowed");
        runAsApp("INSERT INTO drift_invoices (amount) VALUES (42)", "TRUNCATE drift_invoices_history");
        assertEquals("0", value("SELECT count(*) FROM drift_invoices_history"));
    }

    @Test
    void the_runbooks_audit_archival_runs_is_found_and_an_update_grant_on_it_fails() {
        // The runbook's table (deprovisioning, Step 6) with its Block C grants.
        sql("""
                CREATE TABLE audit_archival_runs (id bigserial PRIMARY KEY, run_type text NOT NULL,
                    operator_email text NOT NULL, freescout_ticket_id text, notes text,
                    completed_at timestamptz NOT NULL DEFAULT now());
                ALTER TABLE audit_archival_runs OWNER TO audit_owner;
                GRANT INSERT, SELECT ON audit_archival_runs TO raptor_app;
                GRANT USAGE ON SEQUENCE audit_archival_runs_id_seq TO raptor_app;""");
        VerifierRun healthy = DoctorFixture.databaseOnly(db).assertExit(0);
        assertEquals(Set.of(), DoctorFixture.withVerdict(healthy, "WARN"), healthy.output());
        assertTrue(healthy.json().get("audit_objects").toString().contains("public.audit_archival_runs"),
                healthy.output());

        sql("GRANT UPDATE (notes) ON audit_archival_runs TO raptor_app");
        Map<String, JsonNode> checks = failing();
        assertFails(checks, "audit-table-grants", "public.audit_archival_runs: UPDATE (notes) granted to raptor_app");
        assertFails(checks, "capture-probe", "UPDATE of public.audit_archival_runs was allowed (notes)");
        sql("INSERT INTO audit_archival_runs (run_type, operator_email, notes) VALUES ('deprovisioning',"
                + " 'sre@example.invalid', 'Departing employee: x')");
        runAsApp("UPDATE audit_archival_runs SET notes = 'nothing happened'");
        assertEquals("nothing happened", value("SELECT notes FROM audit_archival_runs"));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private void runAsApp(String... statements) {
        try (Connection c = db.connectAsApp(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
