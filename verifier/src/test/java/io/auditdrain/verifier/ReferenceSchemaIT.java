package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auditdrain.verifier.db.DatabaseUrl;
import io.auditdrain.verifier.db.RoleSession;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** db/migrations do what their comments promise, seen from a session of raptor_app. */
class ReferenceSchemaIT {

    private ReferenceDatabase db;

    @BeforeEach
    void setUp() {
        db = ReferenceDatabase.get();
        db.reset();
    }

    private RoleSession appSession() {
        return RoleSession.open(DatabaseUrl.parse(db.appUrl(), "TEST_URL", null), null);
    }

    private static String sqlState(Connection c, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }, sql);
        return e.getSQLState();
    }

    @Test
    void the_role_may_insert_and_read_audit_rows_but_not_change_or_delete_them() throws Exception {
        try (RoleSession s = appSession(); Statement st = s.connection().createStatement()) {
            st.execute("INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action)"
                    + " VALUES ('schema-test', 'd', 1, 'a', 't', 'x')");
            assertEquals("42501", sqlState(s.connection(), "UPDATE customer_audit_events SET action = 'y'"));
            assertEquals("42501", sqlState(s.connection(), "DELETE FROM customer_audit_events"));
            assertEquals("42501", sqlState(s.connection(), "TRUNCATE users_history"));
            assertEquals("42501", sqlState(s.connection(), "SELECT * FROM alembic_version"));
            assertEquals("42501", sqlState(s.connection(), "ALTER TABLE users DISABLE TRIGGER trg_users_history"));
        }
    }

    @Test
    void changes_to_application_tables_are_shadowed_into_history_by_the_role_itself() throws Exception {
        try (RoleSession s = appSession(); Statement st = s.connection().createStatement()) {
            st.execute("INSERT INTO users (email) VALUES ('smoke-trigger-test@example.invalid')");
            st.execute("UPDATE users SET email_verified_at = now() WHERE email = 'smoke-trigger-test@example.invalid'");
            st.execute("DELETE FROM users WHERE email = 'smoke-trigger-test@example.invalid'");
        }
        assertEquals("INSERT,UPDATE,DELETE|raptor_app", db.sql("SELECT string_agg(operation, ',' ORDER BY history_id)"
                + " || '|' || min(changed_by) FROM users_history WHERE row_data->>'email'"
                + " = 'smoke-trigger-test@example.invalid'").strip());
    }

    @Test
    void statement_logging_is_mod_for_the_role_and_the_database() throws Exception {
        try (RoleSession s = appSession()) {
            assertEquals("mod", s.show("log_statement"));
        }
        assertEquals("mod", db.server().psql(ReferenceDatabase.DATABASE, "SHOW log_statement").strip());
    }
}
