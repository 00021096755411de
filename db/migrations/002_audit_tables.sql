-- 002_audit_tables.sql: the append-only audit table, the application tables whose changes are shadowed, their
-- *_history tables, and the migration bookkeeping table. All owned by audit_owner, never by raptor_app: an owner
-- can disable or drop triggers and grant itself anything (see docs: the app role must not own the audit tables).

-- The audit trail the smoke test writes to (runbook: pgaudit external sink, "Smoke test").
CREATE TABLE IF NOT EXISTS customer_audit_events (
    id          text        PRIMARY KEY,
    dimension   text        NOT NULL,
    customer_id bigint      NOT NULL,
    actor_id    text        NOT NULL,
    actor_type  text        NOT NULL,
    action      text        NOT NULL,
    at_utc      timestamptz NOT NULL DEFAULT now()
);

-- Application tables (full DML for raptor_app, Block B); triggers shadow every change into *_history (003).
CREATE TABLE IF NOT EXISTS users (
    id                bigserial   PRIMARY KEY,
    email             text        NOT NULL UNIQUE,
    email_verified_at timestamptz
);
CREATE TABLE IF NOT EXISTS sessions (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE TABLE IF NOT EXISTS passkeys (
    id            bigserial   PRIMARY KEY,
    user_id       bigint      NOT NULL,
    credential_id text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- History (shadow) tables: append-only (INSERT and SELECT only for raptor_app, Block C). users, sessions and
-- passkeys are written by the triggers in 003; the other three by the application itself.
CREATE TABLE IF NOT EXISTS users_history (
    history_id bigserial   PRIMARY KEY,
    operation  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    row_data   jsonb       NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions_history (
    history_id bigserial   PRIMARY KEY,
    operation  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    row_data   jsonb       NOT NULL
);
CREATE TABLE IF NOT EXISTS passkeys_history (
    history_id bigserial   PRIMARY KEY,
    operation  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    row_data   jsonb       NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions_history (
    history_id bigserial   PRIMARY KEY,
    operation  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    row_data   jsonb       NOT NULL
);
CREATE TABLE IF NOT EXISTS positions_history (
    history_id bigserial   PRIMARY KEY,
    operation  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    row_data   jsonb       NOT NULL
);
CREATE TABLE IF NOT EXISTS trades_history (
    history_id bigserial   PRIMARY KEY,
    operation  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    row_data   jsonb       NOT NULL
);

-- Migration bookkeeping (Alembic's). raptor_app gets no privilege on it (Block A), so that a compromised
-- application session cannot stamp a migration as applied.
CREATE TABLE IF NOT EXISTS alembic_version (
    version_num varchar(32) PRIMARY KEY
);

-- Ownership, re-asserted on every run (serial sequences follow their tables).
ALTER TABLE customer_audit_events OWNER TO audit_owner;
ALTER TABLE users                 OWNER TO audit_owner;
ALTER TABLE sessions              OWNER TO audit_owner;
ALTER TABLE passkeys              OWNER TO audit_owner;
ALTER TABLE users_history         OWNER TO audit_owner;
ALTER TABLE sessions_history      OWNER TO audit_owner;
ALTER TABLE passkeys_history      OWNER TO audit_owner;
ALTER TABLE subscriptions_history OWNER TO audit_owner;
ALTER TABLE positions_history     OWNER TO audit_owner;
ALTER TABLE trades_history        OWNER TO audit_owner;
ALTER TABLE alembic_version       OWNER TO audit_owner;
