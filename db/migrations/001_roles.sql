-- 001_roles.sql: the two roles of the reference deployment.
--
--   audit_owner  owns every table and runs the migrations. On Heroku this is the default credential behind
--                DATABASE_URL; there, skip this file's CREATE ROLE for it.
--   raptor_app   the application's restricted runtime role: INSERT and SELECT only on the audit tables (004).
--                On Heroku create it with `heroku pg:credentials:create DATABASE --name raptor_app --app <app>`
--                (CREATE ROLE ... PASSWORD fails there: the owner is not in rds_password) and read its URL with
--                `heroku pg:credentials:url DATABASE --name raptor_app --app <app>`.
--
-- No password is set here: a password never belongs in the repository. Set it out of band, and never in a
-- session that logs statements: once 005 is applied, log_statement = 'mod' logs ALTER ROLE ... PASSWORD like any
-- other DDL, which would carry the password into the drain and the archive. psql's \password sends only a hash
-- (still logged, so still prefer a session with logging off); as a superuser, as two separate commands (in one
-- query string the whole string is logged before the SET takes effect):
--   psql -c "SET log_statement = 'none'" -c "ALTER ROLE raptor_app PASSWORD '...'"
--
-- Run as a superuser, with psql, in order (001..005). Every file can be run again: it converges to the same state.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'audit_owner') THEN
        CREATE ROLE audit_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'raptor_app') THEN
        CREATE ROLE raptor_app LOGIN;
    END IF;
END
$$;

-- The restricted role may log in and nothing more: no superuser (it would ignore every grant), no CREATEROLE (it
-- could make itself a member of the owner), no BYPASSRLS. Re-running this resets any drift.
ALTER ROLE raptor_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
ALTER ROLE audit_owner LOGIN NOSUPERUSER;

-- The owner may act as raptor_app (`SET ROLE raptor_app`), as the runbook's smoke test does from
-- `heroku pg:psql`. Never the reverse: raptor_app must not be a member of audit_owner, or it would hold the
-- owner's power over the tables and their triggers.
GRANT raptor_app TO audit_owner;
