package io.auditdrain.verifier.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.db.SqlText.TableWrite;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTextTest {

    private static TableWrite w(String command, String schema, String table) {
        return new TableWrite(command, schema, table);
    }

    @Test
    void finds_the_table_of_each_kind_of_write() {
        assertEquals(List.of(w("INSERT", null, "customer_audit_events")),
                SqlText.writes("INSERT INTO customer_audit_events (id) VALUES ($1)"));
        assertEquals(List.of(w("UPDATE", "public", "users_history")),
                SqlText.writes("update public.users_history set operation = 'x'"));
        assertEquals(List.of(w("DELETE", null, "users_history")),
                SqlText.writes("DELETE FROM ONLY users_history WHERE history_id = 1"));
        assertEquals(List.of(w("COPY", null, "trades_history")),
                SqlText.writes("COPY trades_history (operation, row_data) FROM STDIN"));
        assertEquals(List.of(w("MERGE", null, "customer_audit_events")),
                SqlText.writes("MERGE INTO customer_audit_events c USING src s ON c.id = s.id WHEN MATCHED THEN"
                        + " UPDATE SET action = s.action"));
    }

    @Test
    void truncate_names_every_table_of_its_list() {
        assertEquals(List.of(w("TRUNCATE", null, "users_history"), w("TRUNCATE", "public", "sessions_history"),
                        w("TRUNCATE", null, "passkeys")),
                SqlText.writes("TRUNCATE TABLE ONLY users_history, public.sessions_history *, passkeys CASCADE"));
    }

    @Test
    void folds_unquoted_names_and_keeps_quoted_ones() {
        assertEquals(List.of(w("INSERT", "Audit", "Events")), SqlText.writes("INSERT INTO \"Audit\".\"Events\" VALUES (1)"));
        assertEquals(List.of(w("INSERT", "audit", "events")), SqlText.writes("INSERT INTO AUDIT.Events VALUES (1)"));
    }

    @Test
    void sees_writes_inside_a_data_modifying_with() {
        assertEquals(List.of(w("DELETE", null, "customer_audit_events"), w("INSERT", null, "archive")),
                SqlText.writes("WITH gone AS (DELETE FROM customer_audit_events RETURNING *) INSERT INTO archive"
                        + " SELECT * FROM gone"));
    }

    @Test
    void ignores_table_names_inside_literals_and_comments() {
        assertEquals(List.of(w("INSERT", null, "notes")), SqlText.writes("INSERT INTO notes (body) VALUES ('DELETE FROM"
                + " customer_audit_events'), (E'it\\'s UPDATE users_history SET x = 1'), ($$TRUNCATE trades_history$$),"
                + " ($body$COPY t FROM stdin$body$) -- UPDATE customer_audit_events SET x = 1\n"
                + " /* DELETE FROM /* nested */ users_history */"));
    }

    @Test
    void reads_nothing_written_by_reads_locks_grants_or_trigger_definitions() {
        assertEquals(List.of(), SqlText.writes("SELECT * FROM customer_audit_events FOR UPDATE"));
        assertEquals(List.of(), SqlText.writes("SELECT * FROM customer_audit_events FOR NO KEY UPDATE SKIP LOCKED"));
        assertEquals(List.of(), SqlText.writes("GRANT SELECT, UPDATE ON customer_audit_events TO raptor_app"));
        assertEquals(List.of(), SqlText.writes("GRANT TRUNCATE ON users_history TO x"));
        assertEquals(List.of(), SqlText.writes("CREATE TRIGGER t AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users"
                + " FOR EACH ROW EXECUTE FUNCTION f()"));
        assertEquals(List.of(), SqlText.writes("ALTER TABLE s ADD FOREIGN KEY (u) REFERENCES users ON UPDATE CASCADE"));
        assertEquals(List.of(), SqlText.writes("COPY customer_audit_events TO STDOUT"));
        assertEquals(List.of(), SqlText.writes("COPY (SELECT * FROM customer_audit_events) TO STDOUT"));
    }

    @Test
    void an_upsert_is_one_insert() {
        assertEquals(List.of(w("INSERT", null, "users")), SqlText.writes("INSERT INTO users (email) VALUES ($1)"
                + " ON CONFLICT (email) DO UPDATE SET email = excluded.email"));
    }

    @Test
    void reads_every_statement_of_a_function_body() {
        String body = """
                BEGIN
                    UPDATE customer_audit_events SET action = 'redacted' WHERE id = p_id;
                    INSERT INTO users_history (operation, row_data) VALUES ('X', '{}');
                    RAISE NOTICE 'DELETE FROM trades_history';
                END""";
        assertEquals(List.of(w("UPDATE", null, "customer_audit_events"), w("INSERT", null, "users_history")),
                SqlText.writes(body));
    }

    @Test
    void tells_dynamic_sql_apart() {
        assertTrue(SqlText.runsDynamicSql("BEGIN EXECUTE format('DELETE FROM %I', t); END"));
        assertFalse(SqlText.runsDynamicSql("BEGIN DELETE FROM t; END"));
        assertFalse(SqlText.runsDynamicSql("CREATE TRIGGER t AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION f()"));
        assertFalse(SqlText.runsDynamicSql("BEGIN RAISE NOTICE 'EXECUTE me'; END"));
    }

    @Test
    void the_first_keyword_skips_parentheses_and_comments() {
        assertEquals("WITH", SqlText.firstKeyword("/* app */ WITH x AS (SELECT 1) SELECT * FROM x"));
        assertEquals("SELECT", SqlText.firstKeyword("(select 1)"));
        assertEquals("INSERT", SqlText.firstKeyword("-- note\ninsert into t values (1)"));
        assertEquals("", SqlText.firstKeyword("  "));
    }
}
