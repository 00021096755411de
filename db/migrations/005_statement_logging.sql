-- 005_statement_logging.sql: log every data-modifying statement (log_statement = 'mod'), so that each INSERT into
-- an audit table reaches the log drain, and so the write-only archive, as statement text.
--
-- Heroku: `ALTER ... SET log_statement` needs a superuser, which Heroku does not give. Set it database-wide instead:
--     heroku pg:settings:log-statement mod --app <app>
-- and skip this file. `verifier doctor` checks the setting in effect for raptor_app however it was set.
--
-- Elsewhere (as a superuser), set it database-wide, as Heroku does, and on the role itself, as the runbook does.
-- Both take effect for new sessions only: restart the application after changing them.

DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET log_statement = %L', current_database(), 'mod');
END
$$;
ALTER ROLE raptor_app SET log_statement = 'mod';
