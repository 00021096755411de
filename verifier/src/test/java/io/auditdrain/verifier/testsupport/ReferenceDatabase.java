package io.auditdrain.verifier.testsupport;

import io.auditdrain.testing.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One PostgreSQL cluster per test JVM with the reference schema applied from the repository's
 * {@code db/migrations/} (as an operator would, with psql as a superuser), and passwords set from here.
 */
public final class ReferenceDatabase {

    public static final String DATABASE = "auditdrain";
    public static final String APP_ROLE = "raptor_app";
    public static final String OWNER_ROLE = "audit_owner";

    private static ReferenceDatabase instance;

    private final PostgresServer server;
    private final String appPassword = randomPassword();
    private final String ownerPassword = randomPassword();

    private ReferenceDatabase(PostgresServer server) {
        this.server = server;
    }

    public static synchronized ReferenceDatabase get() {
        if (instance == null) {
            PostgresServer server = PostgresServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "reference-database-stop"));
            server.psql("postgres", "CREATE DATABASE " + DATABASE);
            ReferenceDatabase db = new ReferenceDatabase(server);
            db.reset();
            // Statement logging is on for these roles once the migrations ran: set passwords in a session that does
            // not log, so that they never reach the server log (and from there a drain), as an operator should.
            server.psql(DATABASE, "SET log_statement = 'none'",
                    "ALTER ROLE raptor_app PASSWORD '" + db.appPassword + "'",
                    "ALTER ROLE audit_owner PASSWORD '" + db.ownerPassword + "'");
            instance = db;
        }
        return instance;
    }

    /**
     * What tests may break that the migrations do not set back, since it lies outside the tables, roles and grants
     * they manage (cluster-wide memberships and parameter grants, objects tests add): undone before the migrations
     * run again.
     */
    private static final String UNDO_TEST_DRIFT = """
            REVOKE audit_owner, pg_write_all_data, pg_execute_server_program, pg_write_server_files FROM raptor_app;
            DO $$
            DECLARE r text;
            BEGIN
                FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'drift\\_%' OR rolname = 'audit_archiver' LOOP
                    EXECUTE format('DROP OWNED BY %I', r);
                    EXECUTE format('DROP ROLE %I', r);
                END LOOP;
            END
            $$;
            REVOKE SET, ALTER SYSTEM ON PARAMETER session_replication_role, log_statement, log_min_messages
                FROM raptor_app, PUBLIC;
            ALTER ROLE raptor_app RESET session_replication_role;
            ALTER ROLE raptor_app RESET log_min_messages;
            ALTER DATABASE auditdrain RESET session_replication_role;
            ALTER DATABASE auditdrain RESET log_min_messages;
            DROP SCHEMA IF EXISTS drift CASCADE;
            DO $$
            DECLARE f regprocedure;
            BEGIN
                FOR f IN SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'drift\\_%' LOOP
                    EXECUTE format('DROP FUNCTION %s CASCADE', f);
                END LOOP;
            END
            $$;
            DO $$
            DECLARE x record;
            BEGIN
                FOR x IN SELECT n.nspname, w.rulename, c.relname FROM pg_rewrite w
                         JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE w.rulename LIKE 'drift\\_%' LOOP
                    EXECUTE format('DROP RULE %I ON %I.%I', x.rulename, x.nspname, x.relname);
                END LOOP;
                FOR x IN SELECT n.nspname, t.tgname, c.relname FROM pg_trigger t
                         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE t.tgname LIKE 'drift\\_%' LOOP
                    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I.%I', x.tgname, x.nspname, x.relname);
                END LOOP;
                FOR x IN SELECT format('%I.%I', n.nspname, c.relname) AS name,
                                CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind
                         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relname LIKE 'drift\\_%' AND c.relkind IN ('r', 'p', 'v') AND n.nspname = 'public'
                         ORDER BY c.relkind = 'v' DESC LOOP
                    EXECUTE format('DROP %s IF EXISTS %s CASCADE', x.kind, x.name);
                END LOOP;
            END
            $$;
            DROP TABLE IF EXISTS audit_archival_runs CASCADE;
            DROP SCHEMA IF EXISTS raptor_app CASCADE;
            REVOKE CREATE ON DATABASE auditdrain FROM raptor_app, PUBLIC;
            ALTER ROLE raptor_app RESET search_path;
            REVOKE ALL ON TABLE users, sessions, passkeys FROM PUBLIC;
            REVOKE CREATE ON SCHEMA public FROM raptor_app, PUBLIC;
            ALTER TABLE customer_audit_events DISABLE ROW LEVEL SECURITY;
            DROP POLICY IF EXISTS drift_policy ON customer_audit_events;
            """;

    /**
     * Applies every migration again: they are idempotent, so this undoes whatever a test broke, together with
     * {@link #UNDO_TEST_DRIFT}. Tests that break something else name their objects and roles {@code drift_*}.
     */
    public void reset() {
        if (instance != null) {
            server.psql(DATABASE, "SET client_min_messages = error", UNDO_TEST_DRIFT);
        }
        for (Path migration : migrations()) {
            try {
                server.psql(DATABASE, Files.readString(migration));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw new IllegalStateException("migration " + migration.getFileName() + " failed", e);
            }
        }
    }

    /**
     * A new application table captured as the reference ones are: {@code name (columns)} owned by the owner, its
     * {@code name_history} shaped like the reference history tables, a trigger {@code name_capture} calling the
     * reference capture function, and the grant matrix's blocks B, C and D for them. Name it {@code drift_*}, so that
     * {@link #reset()} drops it.
     */
    public void addCapturedTable(String name, String columns) {
        sql("CREATE TABLE " + name + " (" + columns + ");"
                + " CREATE TABLE " + name + "_history (history_id bigserial PRIMARY KEY, operation text NOT NULL,"
                + " changed_at timestamptz NOT NULL DEFAULT now(), changed_by text NOT NULL DEFAULT current_user,"
                + " row_data jsonb NOT NULL);"
                + " ALTER TABLE " + name + " OWNER TO audit_owner; ALTER TABLE " + name + "_history OWNER TO audit_owner;"
                + " CREATE TRIGGER " + name + "_capture AFTER INSERT OR UPDATE OR DELETE ON " + name
                + " FOR EACH ROW EXECUTE FUNCTION fn_capture_history();"
                + " GRANT SELECT, INSERT, UPDATE, DELETE ON " + name + " TO raptor_app;"
                + " GRANT INSERT, SELECT ON " + name + "_history TO raptor_app;"
                + " GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO raptor_app;");
    }

    /** Runs SQL as the superuser in the reference database. */
    public String sql(String sql) {
        return server.psql(DATABASE, sql);
    }

    public PostgresServer server() {
        return server;
    }

    /** The restricted role's own URL, Heroku style. */
    public String appUrl() {
        return server.herokuUrl(APP_ROLE, appPassword, DATABASE);
    }

    public String appPassword() {
        return appPassword;
    }

    /** The owner's URL, Heroku style. */
    public String ownerUrl() {
        return server.herokuUrl(OWNER_ROLE, ownerPassword, DATABASE);
    }

    /** A session of the restricted role itself, as the application has (to show what a bypass can do). */
    public Connection connectAsApp() {
        return connect(APP_ROLE, appPassword);
    }

    /** A session of the owner, as an application that connects with the owner's URL has. */
    public Connection connectAsOwner() {
        return connect(OWNER_ROLE, ownerPassword);
    }

    /** A session of any role the test created with a password. */
    public Connection connect(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "raptor-web");
        try {
            return DriverManager.getConnection(server.jdbcUrl(DATABASE), props);
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect as " + user, e);
        }
    }

    /** The owner's URL, JDBC style with the credentials as parameters. */
    public String ownerJdbcUrl() {
        return server.jdbcUrl(DATABASE) + "?user=" + OWNER_ROLE + "&password=" + ownerPassword;
    }

    /** {@code db/migrations/*.sql} of this repository, in order. */
    public static List<Path> migrations() {
        Path dir = repositoryRoot().resolve("db/migrations");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("db/migrations"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no db/migrations above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
