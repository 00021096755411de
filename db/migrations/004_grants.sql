-- 004_grants.sql: the grant matrix for raptor_app (runbook: postgres roles, Step 4, Blocks A-D).
--
--   table kind                          raptor_app may        must never
--   application tables (Block B)        SELECT INSERT UPDATE DELETE
--   audit and *_history tables (C)      SELECT INSERT         UPDATE DELETE TRUNCATE REFERENCES TRIGGER, own them
--   migration tables (A)                nothing               anything
--   sequences (D)                       USAGE
--
-- Idempotent: Block A resets, the others grant. Run it again whenever a migration adds a table (GRANT ... ON a
-- table only covers tables that exist when it runs: "grant drift", runbook failure mode C).
-- Verify with `verifier doctor` (audit-table-grants, migration-table-grants) or the runbook's has_table_privilege
-- query.

-- Block A: reset to a clean slate. Revoking a table privilege also revokes it on every column.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM raptor_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM raptor_app;
REVOKE ALL ON TABLE alembic_version FROM raptor_app, PUBLIC;
DO $$
BEGIN
    -- Rails-style bookkeeping, where a deployment has it.
    IF to_regclass('schema_migrations') IS NOT NULL THEN
        EXECUTE 'REVOKE ALL ON TABLE schema_migrations FROM raptor_app, PUBLIC';
    END IF;
END
$$;

-- Block B: full DML on application tables.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE users, sessions, passkeys TO raptor_app;

-- Block C: INSERT and SELECT only on audit and history tables (the append-only invariant).
GRANT INSERT, SELECT ON TABLE
    customer_audit_events, users_history, sessions_history, passkeys_history,
    subscriptions_history, positions_history, trades_history
    TO raptor_app;
-- Safety guard: nothing else, whatever was granted before, to the role or to everyone.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE
    customer_audit_events, users_history, sessions_history, passkeys_history,
    subscriptions_history, positions_history, trades_history
    FROM raptor_app, PUBLIC;

-- Block D: sequences of every INSERT-capable table (the history tables' ids are drawn by the triggers).
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO raptor_app;
