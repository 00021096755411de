package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way found for the restricted role to get around the append-only guarantee, each seeded in the reference
 * schema on a real PostgreSQL 15: doctor fails exactly the check that guards it, with its fix, and (where the path
 * can be walked) the test then walks it as raptor_app, to show that the check guards something real. The healthy
 * setup passing is DoctorIT's.
 */
class DoctorBypassIT {

    private DoctorFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new DoctorFixture();
    }

    private void sql(String sql) {
        fixture.db().sql(sql);
    }

    private long historyRows() {
        return Long.parseLong(fixture.value("SELECT count(*) FROM users_history"));
    }

    /** An application write to users, which trg_users_history must shadow into users_history. */
    private static final String USER_WRITE = "INSERT INTO users (email) VALUES ('drift-' || gen_random_uuid()"
            + " || '@example.invalid')";

    private static String detail(JsonNode check) {
        return check.get("detail").asText();
    }

    private static String remedy(JsonNode check) {
        return check.get("remedy").asText();
    }

    // --- role attributes and memberships ------------------------------------------------------------------------

    @Test
    void createrole_fails_role_cannot_create_roles_and_leads_to_the_owners_power() {
        sql("ALTER ROLE raptor_app CREATEROLE");
        JsonNode check = fixture.failsExactly("role-cannot-create-roles");
        assertEquals("ALTER ROLE raptor_app NOCREATEROLE;", remedy(check));

        // PostgreSQL 15: CREATEROLE may grant any non-superuser role, the owner included.
        fixture.asApp("REVOKE raptor_app FROM audit_owner", "GRANT audit_owner TO raptor_app",
                "SET ROLE audit_owner", "ALTER TABLE users DISABLE TRIGGER trg_users_history");
        assertEquals("D", fixture.value("SELECT tgenabled FROM pg_trigger WHERE tgname = 'trg_users_history'"));
    }

    @Test
    void createrole_through_a_group_role_fails_role_cannot_create_roles() {
        sql("CREATE ROLE drift_admins CREATEROLE");
        sql("GRANT drift_admins TO raptor_app");
        JsonNode check = fixture.failsExactly("role-cannot-create-roles");
        assertTrue(detail(check).contains("drift_admins"), check.toString());
        assertTrue(remedy(check).contains("REVOKE drift_admins FROM raptor_app;"), check.toString());
    }

    @Test
    void membership_in_pg_execute_server_program_fails_role_not_superuser() {
        sql("GRANT pg_execute_server_program TO raptor_app");
        JsonNode check = fixture.failsExactly("role-not-superuser");
        assertEquals("REVOKE pg_execute_server_program FROM raptor_app;", remedy(check));
    }

    @Test
    void membership_in_the_owner_through_another_role_fails_both_ownership_checks() {
        sql("REVOKE raptor_app FROM audit_owner");
        sql("CREATE ROLE drift_ops");
        sql("GRANT audit_owner TO drift_ops");
        sql("GRANT drift_ops TO raptor_app");
        // The owner of the audit tables also owns users, the trigger function and alembic_version: all of them are
        // raptor_app's now, and each check says so.
        Map<String, JsonNode> checks = fixture.failsExactly(Set.of("role-owns-no-audit-table",
                "role-owns-no-capture-object", "migration-table-grants", "capture-probe"));
        assertTrue(detail(checks.get("role-owns-no-audit-table")).contains("owned by audit_owner, which raptor_app"
                + " is a member of"), checks.toString());
        assertTrue(remedy(checks.get("role-owns-no-audit-table")).contains("REVOKE audit_owner FROM drift_ops;"),
                checks.toString());
        assertTrue(remedy(checks.get("role-owns-no-capture-object")).contains("REVOKE audit_owner FROM drift_ops;"),
                checks.toString());
    }

    @Test
    void bypassrls_fails_only_where_row_level_security_guards_an_audit_table() {
        sql("ALTER ROLE raptor_app BYPASSRLS");
        VerifierRun quiet = fixture.passes();
        assertTrue(DoctorFixture.checks(quiet).get("role-cannot-bypass-rls").get("detail").asText()
                .contains("changes nothing"), quiet.output());

        sql("ALTER TABLE customer_audit_events ENABLE ROW LEVEL SECURITY");
        sql("CREATE POLICY drift_policy ON customer_audit_events FOR ALL TO raptor_app USING (actor_type <> 'system')");
        JsonNode check = fixture.failsExactly("role-cannot-bypass-rls");
        assertTrue(detail(check).contains("customer_audit_events"), check.toString());
        assertEquals("ALTER ROLE raptor_app NOBYPASSRLS;", remedy(check));
    }

    // --- ownership of what capture runs through -----------------------------------------------------------------

    @Test
    void owning_a_source_table_fails_role_owns_no_capture_object_and_lets_the_role_disable_its_trigger() {
        sql("ALTER TABLE users OWNER TO raptor_app");
        JsonNode check = fixture.failsExactly("role-owns-no-capture-object", "--set-role", "raptor_app");
        assertTrue(detail(check).contains("public.users (captured by trg_users_history) is owned by raptor_app"),
                check.toString());
        assertTrue(remedy(check).contains("ALTER TABLE public.users OWNER TO audit_owner;"), check.toString());

        long before = historyRows();
        fixture.asApp("ALTER TABLE users DISABLE TRIGGER trg_users_history", USER_WRITE);
        assertEquals(before, historyRows(), "the change left no history row");
    }

    @Test
    void owning_the_trigger_function_fails_role_owns_no_capture_object_and_an_empty_body_stops_capture() {
        sql("ALTER FUNCTION fn_capture_history() OWNER TO raptor_app");
        JsonNode check = fixture.failsExactly("role-owns-no-capture-object", "--set-role", "raptor_app");
        assertTrue(detail(check).contains("public.fn_capture_history() (function of trg_"), check.toString());
        assertTrue(remedy(check).startsWith("ALTER FUNCTION public.fn_capture_history() OWNER TO audit_owner;"),
                check.toString());

        // Replacing a function also takes CREATE on its schema, which PUBLIC holds on public in every database
        // created before PostgreSQL 15 (and so in many a Heroku database upgraded since).
        sql("GRANT CREATE ON SCHEMA public TO PUBLIC");
        long before = historyRows();
        fixture.asApp("CREATE OR REPLACE FUNCTION fn_capture_history() RETURNS trigger LANGUAGE plpgsql"
                + " AS $$BEGIN RETURN NULL; END$$", USER_WRITE);
        assertEquals(before, historyRows(), "the change left no history row");
        assertEquals("O", fixture.value("SELECT tgenabled FROM pg_trigger WHERE tgname = 'trg_users_history'"),
                "while the trigger still shows enabled");
    }

    @Test
    void a_function_the_trigger_function_calls_counts_as_part_of_capture() {
        sql("""
                CREATE FUNCTION drift_note(text) RETURNS void LANGUAGE sql AS $$ SELECT $$;
                ALTER FUNCTION drift_note(text) OWNER TO raptor_app;
                CREATE FUNCTION drift_capture() RETURNS trigger LANGUAGE plpgsql
                    SET search_path = pg_catalog, public, pg_temp
                    AS $$BEGIN PERFORM drift_note(TG_OP); RETURN NULL; END$$;
                ALTER FUNCTION drift_capture() OWNER TO audit_owner;
                CREATE TRIGGER drift_trg AFTER INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION drift_capture();""");
        JsonNode check = fixture.failsExactly("role-owns-no-capture-object", "--history-triggers",
                "trg_users_history,trg_sessions_history,trg_passkeys_history,drift_trg");
        assertTrue(detail(check).contains("public.drift_capture() (function of drift_trg on public.sessions) names"
                + " public.drift_note(text)"), check.toString());
    }

    // --- privileges on the tables -------------------------------------------------------------------------------

    @Test
    void truncate_on_a_source_table_fails_source_table_grants_and_leaves_no_history() {
        sql("GRANT TRUNCATE ON users TO raptor_app");
        JsonNode check = fixture.failsExactly("source-table-grants");
        assertTrue(detail(check).startsWith("public.users: TRUNCATE granted"), check.toString());
        assertEquals("REVOKE TRUNCATE ON TABLE public.users FROM raptor_app;", remedy(check));

        sql(USER_WRITE);
        long before = historyRows();
        fixture.asApp("TRUNCATE users");
        assertEquals("0", fixture.value("SELECT count(*) FROM users"));
        assertEquals(before, historyRows(), "the rows went without a history row");
    }

    @Test
    void trigger_on_a_source_table_through_public_fails_source_table_grants() {
        sql("GRANT TRIGGER ON sessions TO PUBLIC");
        JsonNode check = fixture.failsExactly("source-table-grants");
        assertTrue(detail(check).contains("public.sessions: TRIGGER granted (to PUBLIC)"), check.toString());
        assertEquals("REVOKE TRIGGER ON TABLE public.sessions FROM PUBLIC;", remedy(check));
    }

    @Test
    void truncate_on_a_history_table_fails_audit_table_grants_and_the_probe() {
        sql("GRANT TRUNCATE ON users_history TO raptor_app");
        Map<String, JsonNode> checks = fixture.failsExactly(Set.of("audit-table-grants", "capture-probe"));
        JsonNode check = checks.get("audit-table-grants");
        assertEquals("REVOKE TRUNCATE ON TABLE public.users_history FROM raptor_app;", remedy(check));
        assertTrue(detail(checks.get("capture-probe")).contains("TRUNCATE of public.users_history was allowed"),
                checks.toString());

        sql(USER_WRITE);
        fixture.asApp("TRUNCATE users_history");
        assertEquals(0, historyRows());
    }

    @Test
    void trigger_on_an_audit_table_fails_audit_table_grants() {
        sql("GRANT TRIGGER ON customer_audit_events TO raptor_app");
        JsonNode check = fixture.failsExactly("audit-table-grants");
        assertEquals("REVOKE TRIGGER ON TABLE public.customer_audit_events FROM raptor_app;", remedy(check));
    }

    @Test
    void update_through_a_group_role_fails_audit_table_grants_even_without_inheritance() {
        sql("CREATE ROLE drift_admins");
        sql("GRANT SELECT, UPDATE ON customer_audit_events TO drift_admins");
        sql("GRANT drift_admins TO raptor_app");
        sql("ALTER ROLE raptor_app NOINHERIT");
        JsonNode check = fixture.failsExactly("audit-table-grants");
        assertTrue(detail(check).contains("public.customer_audit_events: UPDATE granted (through role drift_admins)"),
                check.toString());
        assertEquals("REVOKE UPDATE ON TABLE public.customer_audit_events FROM drift_admins;", remedy(check));

        // Without inheritance the privilege is one SET ROLE away.
        sql("INSERT INTO customer_audit_events VALUES ('drift-1', 'd', 0, 'a', 't', 'x', now())");
        fixture.asApp("SET ROLE drift_admins", "UPDATE customer_audit_events SET action = 'rewritten'"
                + " WHERE id = 'drift-1'");
        assertEquals("rewritten", fixture.value("SELECT action FROM customer_audit_events WHERE id = 'drift-1'"));
    }

    @Test
    void pg_write_all_data_fails_the_grant_checks_though_no_grant_on_any_table_shows_it() {
        sql("GRANT pg_write_all_data TO raptor_app");
        // It writes every table: the audit tables and the migration table alike.
        Map<String, JsonNode> checks = fixture.failsExactly(Set.of("audit-table-grants", "migration-table-grants",
                "capture-probe"));
        JsonNode audit = checks.get("audit-table-grants");
        assertTrue(detail(audit).contains("public.customer_audit_events: UPDATE held through membership in"
                + " pg_write_all_data"), audit.toString());
        assertEquals("REVOKE pg_write_all_data FROM raptor_app;", remedy(audit));

        sql("INSERT INTO customer_audit_events VALUES ('drift-2', 'd', 0, 'a', 't', 'x', now())");
        fixture.asApp("DELETE FROM customer_audit_events WHERE id = 'drift-2'");
        assertEquals("0", fixture.value("SELECT count(*) FROM customer_audit_events WHERE id = 'drift-2'"));
    }

    // --- parameters ---------------------------------------------------------------------------------------------

    @Test
    void set_on_session_replication_role_fails_parameter_privileges_and_stops_the_triggers() {
        sql("GRANT SET ON PARAMETER session_replication_role TO raptor_app");
        JsonNode check = fixture.failsExactly("parameter-privileges");
        assertTrue(detail(check).contains("raptor_app holds SET ON PARAMETER session_replication_role"),
                check.toString());
        assertEquals("REVOKE SET ON PARAMETER session_replication_role FROM raptor_app;", remedy(check));

        long before = historyRows();
        fixture.asApp("SET session_replication_role = replica", USER_WRITE);
        assertEquals(before, historyRows(), "no trigger fired");
    }

    @Test
    void set_on_log_statement_through_public_fails_parameter_privileges() {
        sql("GRANT SET ON PARAMETER log_statement TO PUBLIC");
        JsonNode check = fixture.failsExactly("parameter-privileges");
        assertTrue(detail(check).contains("writes can stop reaching the log"), check.toString());
        assertEquals("REVOKE SET ON PARAMETER log_statement FROM PUBLIC;", remedy(check));
        fixture.asApp("SET log_statement = 'none'", "INSERT INTO customer_audit_events VALUES ('drift-3', 'd', 0,"
                + " 'a', 't', 'unlogged', now())");
    }

    @Test
    void alter_system_on_any_parameter_fails_parameter_privileges() {
        sql("GRANT ALTER SYSTEM ON PARAMETER log_min_messages TO raptor_app");
        JsonNode check = fixture.failsExactly("parameter-privileges");
        assertTrue(detail(check).contains("ALTER SYSTEM ON PARAMETER log_min_messages"), check.toString());
    }

    @Test
    void a_role_default_of_session_replication_role_replica_fails_history_triggers() {
        sql("ALTER ROLE raptor_app SET session_replication_role = replica");
        // In the role's own session the probe's writes leave no history row either.
        Map<String, JsonNode> checks = fixture.failsExactly(Set.of("history-triggers", "capture-probe"));
        JsonNode check = checks.get("history-triggers");
        assertTrue(detail(check).startsWith("session_replication_role = replica for raptor_app"), check.toString());
        assertEquals("ALTER ROLE raptor_app RESET session_replication_role;", remedy(check));
        assertTrue(detail(checks.get("capture-probe")).contains("INSERT into public.users left no row in"
                + " public.users_history"), checks.toString());
        // Seen from the owner's session, through the catalog, too (SET ROLE does not take on the role's settings).
        fixture.failsExactly("history-triggers", "--set-role", "raptor_app");

        long before = historyRows();
        fixture.asApp(USER_WRITE);
        assertEquals(before, historyRows(), "no trigger fired in the role's session");
    }

    @Test
    void log_min_messages_fatal_for_the_role_fails_statement_logging() {
        sql("ALTER ROLE raptor_app SET log_min_messages = fatal");
        JsonNode check = fixture.failsExactly("statement-logging");
        assertTrue(detail(check).contains("log_min_messages = fatal"), check.toString());
        assertTrue(remedy(check).startsWith("ALTER ROLE raptor_app RESET log_min_messages;"), check.toString());
    }

    // --- functions ----------------------------------------------------------------------------------------------

    @Test
    void a_security_definer_function_that_deletes_audit_rows_fails_security_definer_functions() {
        sql("""
                CREATE FUNCTION drift_forget(p_id text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
                    SET search_path = pg_catalog, public
                    AS $$BEGIN DELETE FROM customer_audit_events WHERE id = p_id; END$$;
                ALTER FUNCTION drift_forget(text) OWNER TO audit_owner;""");
        JsonNode check = fixture.failsExactly("security-definer-functions");
        assertTrue(detail(check).contains("public.drift_forget(text) runs as audit_owner (SECURITY DEFINER) and"
                + " raptor_app may execute it, and it writes public.customer_audit_events (DELETE)"), check.toString());
        assertTrue(remedy(check).startsWith("REVOKE EXECUTE ON FUNCTION public.drift_forget(text) FROM PUBLIC;"),
                check.toString());

        sql("INSERT INTO customer_audit_events VALUES ('drift-4', 'd', 0, 'a', 't', 'x', now())");
        fixture.asApp("SELECT drift_forget('drift-4')");
        assertEquals("0", fixture.value("SELECT count(*) FROM customer_audit_events WHERE id = 'drift-4'"));
    }

    @Test
    void a_sql_standard_security_definer_body_is_read_too() {
        sql("""
                CREATE FUNCTION drift_redact(p_id text) RETURNS void LANGUAGE sql SECURITY DEFINER
                    BEGIN ATOMIC UPDATE public.users_history SET row_data = '{}' WHERE history_id::text = p_id; END;
                ALTER FUNCTION drift_redact(text) OWNER TO audit_owner;
                REVOKE EXECUTE ON FUNCTION drift_redact(text) FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION drift_redact(text) TO raptor_app;""");
        JsonNode check = fixture.failsExactly("security-definer-functions");
        assertTrue(detail(check).contains("public.users_history (UPDATE)"), check.toString());
        assertTrue(remedy(check).startsWith("REVOKE EXECUTE ON FUNCTION public.drift_redact(text) FROM raptor_app;"),
                check.toString());
    }

    @Test
    void a_security_definer_function_that_only_reads_passes() {
        sql("""
                CREATE FUNCTION drift_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER
                    AS $$ SELECT count(*) FROM customer_audit_events WHERE action <> 'DELETE FROM users_history' $$;
                ALTER FUNCTION drift_count() OWNER TO audit_owner;""");
        VerifierRun run = fixture.passes();
        assertTrue(DoctorFixture.checks(run).get("security-definer-functions").get("detail").asText()
                .contains("none of the 1 SECURITY DEFINER functions"), run.output());
    }

    @Test
    void an_unpinned_trigger_function_fails_capture_functions_search_path_and_a_temp_table_takes_the_history() {
        // The reference function as it was before it pinned its search_path and qualified the table.
        sql("""
                CREATE OR REPLACE FUNCTION fn_capture_history() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    EXECUTE format('INSERT INTO %I (operation, row_data) VALUES ($1, $2)', TG_TABLE_NAME || '_history')
                        USING TG_OP, to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
                    RETURN NULL;
                END $$""");
        JsonNode check = fixture.failsExactly("capture-functions-search-path");
        assertTrue(detail(check).contains("pg_temp comes first"), check.toString());
        assertEquals("ALTER FUNCTION public.fn_capture_history() SET search_path = pg_catalog, public, pg_temp;",
                remedy(check));

        long before = historyRows();
        fixture.asApp("CREATE TEMP TABLE users_history (history_id bigint, operation text, changed_at timestamptz,"
                + " changed_by text, row_data jsonb)", USER_WRITE);
        assertEquals(before, historyRows(), "the history row went to the session's temporary table");
    }

    @Test
    void create_on_a_schema_the_trigger_function_searches_fails_capture_functions_search_path() {
        sql("GRANT CREATE ON SCHEMA public TO raptor_app");
        JsonNode check = fixture.failsExactly("capture-functions-search-path");
        assertTrue(detail(check).contains("raptor_app may create objects in public, which is on its search_path"),
                check.toString());
        assertTrue(remedy(check).contains("REVOKE CREATE ON SCHEMA public FROM PUBLIC, raptor_app;"), check.toString());
    }

    // --- grant drift (runbook: postgres roles, failure mode C) --------------------------------------------------

    @Test
    void a_table_added_without_grants_warns_grant_drift_before_users_hit_permission_denied() {
        sql("CREATE TABLE drift_invoices (id bigserial PRIMARY KEY, amount integer)");
        sql("ALTER TABLE drift_invoices OWNER TO audit_owner");
        VerifierRun run = fixture.passes();
        JsonNode check = DoctorFixture.checks(run).get("grant-drift");
        assertEquals("WARN", check.get("verdict").asText(), run.output());
        assertTrue(detail(check).startsWith("public.drift_invoices lacks SELECT, INSERT, UPDATE, DELETE"),
                run.output());
        assertTrue(remedy(check).startsWith("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.drift_invoices TO"
                + " raptor_app;"), run.output());

        IllegalStateException denied = assertThrows(IllegalStateException.class,
                () -> fixture.asApp("SELECT * FROM drift_invoices"));
        assertTrue(denied.getMessage().contains("permission denied"), denied.getMessage());
    }

    @Test
    void a_sequence_left_out_of_the_grants_warns_grant_drift() {
        sql("CREATE TABLE drift_refunds (id bigserial PRIMARY KEY, amount integer)");
        sql("ALTER TABLE drift_refunds OWNER TO audit_owner");
        sql("GRANT SELECT, INSERT, UPDATE, DELETE ON drift_refunds TO raptor_app");
        VerifierRun run = fixture.passes();
        JsonNode check = DoctorFixture.checks(run).get("grant-drift");
        assertEquals("WARN", check.get("verdict").asText(), run.output());
        assertTrue(detail(check).startsWith("INSERT into public.drift_refunds fails: no USAGE on its sequence"
                + " public.drift_refunds_id_seq"), run.output());
        assertTrue(remedy(check).startsWith("GRANT USAGE ON SEQUENCE public.drift_refunds_id_seq TO raptor_app;"),
                run.output());
    }
}
