package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The functions capture runs through resolve table names on a search_path of their own, on which the role can plant
 * nothing. A trigger function runs in the session of whoever changed the row, so without its own {@code SET
 * search_path} it looks names up on that session's path, where {@code pg_temp} comes first unless the path names it:
 * the role creates a temporary table called {@code users_history}, and the history rows of its changes go there and
 * vanish with the session, while {@code history-triggers} sees every trigger enabled. The same holds for a schema on
 * the path in which the role may create objects. Whether the role can do either is asked of the privilege system
 * ({@code has_database_privilege ... TEMP}, {@code has_schema_privilege ... CREATE}) for every role within reach.
 */
public final class CaptureFunctionsSearchPathCheck extends RoleCheck {

    @Override
    public String name() {
        return "capture-functions-search-path";
    }

    @Override
    public String description() {
        return "the trigger functions pin a search_path (pg_temp last) on which the role can create nothing";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        Connection c = ctx.session().connection();
        String role = ctx.role().name();
        CaptureObjects capture = ctx.captureObjects();
        boolean temporary;
        List<String> creatable = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT bool_or(has_database_privilege(r.oid::oid, current_database(), 'TEMP'))
                FROM unnest(?::bigint[]) r(oid)""")) {
            ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                temporary = rs.getBoolean(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname FROM pg_namespace n
                WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                  AND EXISTS (SELECT 1 FROM unnest(?::bigint[]) r(oid)
                              WHERE has_schema_privilege(r.oid::oid, n.oid, 'CREATE'))
                ORDER BY 1""")) {
            ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    creatable.add(rs.getString(1));
                }
            }
        }
        List<String> schemas = capture.auditSchemas().isEmpty() ? List.of("public") : capture.auditSchemas();
        String pinned = "pg_catalog, " + String.join(", ", schemas.stream()
                .map(s -> SqlIdentifier.role(s).display()).toList()) + ", pg_temp";
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        int examined = 0;
        for (CaptureObjects.Function f : capture.functions()) {
            if (f.language().equals("c") || f.language().equals("internal")) {
                continue;
            }
            examined++;
            List<String> path = searchPath(f.config(), role);
            List<String> found = new ArrayList<>();
            if (path == null) {
                if (temporary) {
                    found.add("it has no search_path of its own, so names resolve on the caller's path, where pg_temp"
                            + " comes first: " + role + " may create temporary tables, and one named like a history"
                            + " table takes the history rows");
                }
                if (!creatable.isEmpty()) {
                    found.add("it has no search_path of its own, and " + role + " may create objects in "
                            + String.join(", ", creatable) + ", which a caller can put on its path");
                }
            } else {
                int temp = path.indexOf("pg_temp");
                if (temporary && temp < 0) {
                    found.add("its search_path (" + String.join(", ", path) + ") leaves pg_temp out, so pg_temp is"
                            + " searched first: " + role + " may create temporary tables that take the history rows");
                } else if (temporary && temp < path.size() - 1) {
                    found.add("pg_temp comes before " + path.get(temp + 1) + " on its search_path: " + role
                            + " may create temporary tables that shadow it");
                }
                List<String> plantable = path.stream().filter(creatable::contains).toList();
                if (!plantable.isEmpty()) {
                    found.add(role + " may create objects in " + String.join(", ", plantable) + ", which is on its"
                            + " search_path");
                }
            }
            if (!found.isEmpty()) {
                problems.add(f.signature() + " (" + f.usedBy() + "): " + String.join("; ", found));
                remedies.add("ALTER FUNCTION " + f.signature() + " SET search_path = " + pinned + ";");
            }
        }
        if (!creatable.isEmpty() && problems.stream().anyMatch(p -> p.contains("may create objects in"))) {
            remedies.add("REVOKE CREATE ON SCHEMA " + String.join(", ", creatable.stream()
                    .map(s -> SqlIdentifier.role(s).display()).toList()) + " FROM PUBLIC, " + ctx.role().display()
                    + ";");
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", problems), String.join(" ", remedies));
        }
        return CheckResult.pass(name(), examined + " capture functions pin their search_path; " + role
                + " can shadow nothing on it");
    }

    /** The function's own {@code search_path} setting as a list of schemas, or null when it has none. */
    static List<String> searchPath(List<String> config, String role) {
        for (String setting : config) {
            if (setting.startsWith("search_path=")) {
                List<String> schemas = new ArrayList<>();
                for (String part : setting.substring("search_path=".length()).split(",")) {
                    String s = part.strip();
                    if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
                        s = s.substring(1, s.length() - 1).replace("\"\"", "\"");
                    } else {
                        s = s.toLowerCase(Locale.ROOT);
                    }
                    if (!s.isEmpty()) {
                        schemas.add(s.equals("$user") ? role : s);
                    }
                }
                return schemas;
            }
        }
        return null;
    }
}
