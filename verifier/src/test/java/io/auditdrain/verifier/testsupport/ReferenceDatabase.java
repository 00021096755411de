package io.auditdrain.verifier.testsupport;

import io.auditdrain.testing.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
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

    /** Applies every migration again: they are idempotent, so this undoes whatever a test broke. */
    public void reset() {
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
