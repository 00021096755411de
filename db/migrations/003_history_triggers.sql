-- 003_history_triggers.sql: every INSERT, UPDATE and DELETE on users, sessions and passkeys leaves a row in the
-- matching *_history table (trg_users_history, trg_sessions_history, trg_passkeys_history).
--
-- The trigger function runs with the privileges of whoever changed the row (no SECURITY DEFINER), so raptor_app
-- needs INSERT on the history tables (Block C) and USAGE on their sequences (Block D) - and nothing more.
-- Only an owner or a superuser can disable or drop these triggers, or replace the function: that is why raptor_app
-- must be neither, nor own users/sessions/passkeys or this function (`verifier doctor` checks role-not-superuser,
-- role-owns-no-audit-table, role-owns-no-capture-object and history-triggers).
--
-- It runs in the session of whoever changed the row, and so would look the history table up on that session's
-- search_path, where pg_temp comes first: raptor_app could create a temporary table named users_history and the
-- history rows of its own changes would go there and vanish. Hence the schema-qualified name and the function's own
-- search_path with pg_temp last (doctor: capture-functions-search-path).

CREATE OR REPLACE FUNCTION fn_capture_history() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public, pg_temp AS
$$
BEGIN
    EXECUTE format('INSERT INTO %I.%I (operation, row_data) VALUES ($1, $2)', TG_TABLE_SCHEMA,
                   TG_TABLE_NAME || '_history')
        USING TG_OP, to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    RETURN NULL;
END
$$;
ALTER FUNCTION fn_capture_history() OWNER TO audit_owner;

CREATE OR REPLACE TRIGGER trg_users_history
    AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION fn_capture_history();
CREATE OR REPLACE TRIGGER trg_sessions_history
    AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION fn_capture_history();
CREATE OR REPLACE TRIGGER trg_passkeys_history
    AFTER INSERT OR UPDATE OR DELETE ON passkeys
    FOR EACH ROW EXECUTE FUNCTION fn_capture_history();

-- A trigger disabled by hand (ALTER TABLE ... DISABLE TRIGGER) fires again after a re-run.
ALTER TABLE users    ENABLE TRIGGER trg_users_history;
ALTER TABLE sessions ENABLE TRIGGER trg_sessions_history;
ALTER TABLE passkeys ENABLE TRIGGER trg_passkeys_history;
