package io.auditdrain.verifier.doctor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A setting's value in the role's own sessions, however it was set. In a session of the role itself,
 * {@code pg_settings} is the answer. From an owner's session ({@code SET ROLE} does not apply the role's settings) it is
 * worked out from {@code pg_db_role_setting} in Postgres' order of precedence: role in this database, role, database,
 * server.
 *
 * @param roleLevel set for the role itself ({@code ALTER ROLE ... SET}), rather than for the database or server
 */
record RoleSetting(String value, String source, boolean roleLevel) {

    /** The setting in effect for the role; null when this session cannot tell (the owner has its own value). */
    static RoleSetting effective(DoctorContext ctx, String name) throws SQLException {
        return ctx.sessionIsRole() ? fromOwnSession(ctx, name) : fromCatalog(ctx, name);
    }

    private static RoleSetting fromOwnSession(DoctorContext ctx, String name) throws SQLException {
        if (name.equals("search_path")) {
            // doctor pinned its own session's path; what the role logged in with was kept
            String source = ctx.loginSearchPath().source();
            return new RoleSetting(ctx.loginSearchPath().value(), "SHOW in a session of the role; set by "
                    + describe(source), source.equals("user") || source.equals("database user"));
        }
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT setting, source FROM pg_settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String source = rs.getString(2);
                return new RoleSetting(rs.getString(1), "SHOW in a session of the role; set by " + describe(source),
                        source.equals("user") || source.equals("database user"));
            }
        }
    }

    private static RoleSetting fromCatalog(DoctorContext ctx, String name) throws SQLException {
        String sql = """
                SELECT s.setrole <> 0, s.setdatabase <> 0, cfg
                FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS cfg
                WHERE s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = ?))
                  AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
                  AND NOT (s.setrole = 0 AND s.setdatabase = 0)
                  AND starts_with(cfg, ?)""";
        String prefix = name + "=";
        String roleInDb = null;
        String roleOnly = null;
        String dbOnly = null;
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(sql)) {
            ps.setString(1, ctx.role().name());
            ps.setString(2, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(3).substring(prefix.length());
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
            return new RoleSetting(roleInDb, "ALTER ROLE ... IN DATABASE ... SET" + from, true);
        }
        if (roleOnly != null) {
            return new RoleSetting(roleOnly, "ALTER ROLE ... SET" + from, true);
        }
        if (dbOnly != null) {
            return new RoleSetting(dbOnly, "database setting" + from, false);
        }
        String value;
        String source;
        if (name.equals("search_path")) {
            // doctor pinned this session's path: what it logged in with was kept
            value = ctx.loginSearchPath().value();
            source = ctx.loginSearchPath().source();
        } else {
            try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                    "SELECT reset_val, source FROM pg_settings WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    value = rs.getString(1);
                    source = rs.getString(2);
                }
            }
        }
        if (List.of("user", "database user", "session", "client").contains(source)) {
            return null;
        }
        return new RoleSetting(value, "server setting, " + describe(source) + from, false);
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
