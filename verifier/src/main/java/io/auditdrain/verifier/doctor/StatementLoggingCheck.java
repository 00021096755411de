package io.auditdrain.verifier.doctor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The effective {@code log_statement} for the role is {@code mod} or {@code all}, however it was set (Heroku sets it
 * database-wide with {@code heroku pg:settings:log-statement}; elsewhere {@code ALTER ROLE ... SET} is common).
 * In a session of the role itself, {@code SHOW log_statement} is the answer. From an owner's session (SET ROLE does
 * not apply the role's settings) it is worked out from {@code pg_db_role_setting} in Postgres' order of precedence.
 */
public final class StatementLoggingCheck implements Check {

    private static final Set<String> LOGS_WRITES = Set.of("mod", "all");

    @Override
    public String name() {
        return "statement-logging";
    }

    @Override
    public String description() {
        return "log_statement is mod or all for the role's sessions";
    }

    /** The effective value and where it comes from. */
    record Effective(String value, String source, boolean roleLevel) {
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        if (!ctx.roleExists()) {
            return CheckResult.skip(name(), "the role does not exist");
        }
        Effective effective = ctx.sessionIsRole() ? fromOwnSession(ctx) : fromCatalog(ctx);
        if (effective == null) {
            return CheckResult.warn(name(), "cannot tell from this session: the owner has its own log_statement"
                    + " setting, which hides the server's", "run doctor with the role's own URL"
                    + " (--database-url-env AUDITDRAIN_APP_DATABASE_URL)");
        }
        String role = ctx.role().name();
        String detail = "log_statement = " + effective.value() + " for " + role + " (" + effective.source() + ")";
        if (LOGS_WRITES.contains(effective.value())) {
            return CheckResult.pass(name(), detail);
        }
        String remedy;
        if (effective.roleLevel()) {
            remedy = "ALTER ROLE " + ctx.role().display() + " SET log_statement = 'mod';   (as a superuser; on"
                    + " Heroku, where that is impossible: ALTER ROLE " + ctx.role().display()
                    + " RESET log_statement; then heroku pg:settings:log-statement mod --app "
                    + ctx.appForRemedy() + ") New sessions only: restart the dynos.";
        } else {
            remedy = "heroku pg:settings:log-statement mod --app " + ctx.appForRemedy() + "   (self-hosted, as a"
                    + " superuser: ALTER ROLE " + ctx.role().display() + " SET log_statement = 'mod';)"
                    + " New sessions only: restart the dynos.";
        }
        return CheckResult.fail(name(), detail + ": data-modifying statements are not logged", remedy);
    }

    private static Effective fromOwnSession(DoctorContext ctx) throws SQLException {
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT setting, source FROM pg_settings WHERE name = 'log_statement'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            String source = rs.getString(2);
            return new Effective(rs.getString(1), "SHOW in a session of the role; set by " + describe(source),
                    source.equals("user") || source.equals("database user"));
        }
    }

    /** Role in this database, then role, then database, then the server: Postgres' own precedence. */
    private static Effective fromCatalog(DoctorContext ctx) throws SQLException {
        String role = ctx.role().name();
        String sql = """
                SELECT s.setrole <> 0, s.setdatabase <> 0, cfg
                FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS cfg
                WHERE s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = ?))
                  AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
                  AND NOT (s.setrole = 0 AND s.setdatabase = 0)
                  AND cfg LIKE 'log\\_statement=%'""";
        String roleInDb = null;
        String roleOnly = null;
        String dbOnly = null;
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(sql)) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(3).substring("log_statement=".length());
                    boolean perRole = rs.getBoolean(1);
                    boolean perDb = rs.getBoolean(2);
                    if (perRole && perDb) {
                        roleInDb = value;
                    } else if (perRole) {
                        roleOnly = value;
                    } else {
                        dbOnly = value;
                    }
                }
            }
        }
        String from = "; worked out from the catalog, since this session is not the role's own";
        if (roleInDb != null) {
            return new Effective(roleInDb, "ALTER ROLE ... IN DATABASE ... SET" + from, true);
        }
        if (roleOnly != null) {
            return new Effective(roleOnly, "ALTER ROLE ... SET" + from, true);
        }
        if (dbOnly != null) {
            return new Effective(dbOnly, "database setting" + from, false);
        }
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT reset_val, source FROM pg_settings WHERE name = 'log_statement'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            String source = rs.getString(2);
            if (List.of("user", "database user", "session", "client").contains(source)) {
                return null;
            }
            return new Effective(rs.getString(1), "server setting, " + describe(source) + from, false);
        }
    }

    private static String describe(String source) {
        return switch (source) {
            case "user" -> "ALTER ROLE ... SET (role setting)";
            case "database user" -> "ALTER ROLE ... IN DATABASE ... SET (role setting)";
            case "database" -> "the database setting";
            case "configuration file" -> "the server configuration";
            case "default" -> "the server default";
            default -> source;
        };
    }
}
