package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The application writes its tables by bare name ({@code INSERT INTO customer_audit_events ...}), and Postgres looks a
 * bare name up on the session's {@code search_path}, where {@code "$user"} (a schema named after the role) comes before
 * {@code public} by default. A schema earlier on the role's path that holds a table of an audit or source table's name
 * takes the application's writes: the rows land in a shadow the role may own and empty, while the statement logged
 * (and smoke's tracer) names the right table. So for every audit and source table, no schema before its own on the
 * role's path may hold a relation of its name, nor be one the role (or a role it can become) may create objects in;
 * and where the path names a schema that does not exist, the role may not create schemas.
 *
 * <p>{@code pg_temp}, searched first, is left out: a temporary table lives in the session that created it, so only the
 * application itself could divert its own writes there.
 */
public final class RoleSearchPathCheck extends RoleCheck {

    @Override
    public String name() {
        return "role-search-path";
    }

    @Override
    public String description() {
        return "bare table names in the role's sessions reach the audit and source tables, not a shadow earlier on"
                + " its search_path";
    }

    private record Schema(String name, boolean exists, boolean creatable, Map<String, String> relations) {
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        RoleSetting setting = RoleSetting.effective(ctx, "search_path");
        if (setting == null) {
            return CheckResult.warn(name(), "cannot tell the role's search_path from this session: the owner has its"
                    + " own", "run doctor with the role's own URL (--database-url-env AUDITDRAIN_APP_DATABASE_URL)");
        }
        Connection c = ctx.session().connection();
        String role = ctx.role().name();
        List<String> path = schemas(setting.value(), role);
        boolean createSchemas;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT coalesce(bool_or(has_database_privilege(r.oid::oid, current_database(), 'CREATE')), false)
                FROM unnest(?::bigint[]) r(oid)""")) {
            ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                createSchemas = rs.getBoolean(1);
            }
        }
        List<String> names = new ArrayList<>();
        Map<String, String> homeOf = new LinkedHashMap<>();
        ctx.audit().auditTables().forEach(t -> {
            names.add(t.name());
            homeOf.put(t.schema() + "." + t.name(), t.relation());
        });
        ctx.audit().sourceTables().forEach(t -> {
            names.add(t.name());
            homeOf.put(t.schema() + "." + t.name(), t.relation());
        });
        List<Schema> schemas = new ArrayList<>();
        for (String s : path) {
            schemas.add(schema(c, s, reach, names));
        }
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        ctx.audit().auditTables().forEach(t -> tables.add(t.schema() + "\u0000" + t.name()));
        ctx.audit().sourceTables().forEach(t -> tables.add(t.schema() + "\u0000" + t.name()));
        for (String t : tables.stream().distinct().toList()) {
            String home = t.substring(0, t.indexOf('\u0000'));
            String table = t.substring(t.indexOf('\u0000') + 1);
            String relation = homeOf.get(home + "." + table);
            if (!path.contains(home)) {
                continue; // reached by its qualified name only: a bare name never meant it
            }
            for (Schema s : schemas) {
                if (s.name().equals(home)) {
                    break;
                }
                String shadow = s.relations().get(table);
                if (shadow != null) {
                    problems.add("a bare " + table + " in " + role + "'s sessions is " + shadow + ", not " + relation);
                    remedies.add("move or drop " + SqlIdentifier.displayName(s.name()) + "."
                            + SqlIdentifier.displayName(table) + " (read what it holds first), or ALTER ROLE "
                            + ctx.role().display() + " SET search_path = " + SqlIdentifier.displayName(home) + ";");
                } else if (s.exists() && s.creatable()) {
                    problems.add(role + " may create a table in " + s.name() + ", which comes before " + home
                            + " on its search_path: one named " + table + " would take the writes to " + relation);
                    remedies.add("REVOKE CREATE ON SCHEMA " + SqlIdentifier.displayName(s.name()) + " FROM "
                            + ctx.role().display() + ", PUBLIC;");
                } else if (!s.exists() && createSchemas) {
                    problems.add(role + " may create the schema " + s.name() + " (CREATE on the database), which comes"
                            + " before " + home + " on its search_path: a table " + table + " there would take the"
                            + " writes to " + relation);
                    remedies.add("REVOKE CREATE ON DATABASE " + SqlIdentifier.displayName(ctx.session().database())
                            + " FROM " + ctx.role().display() + ", PUBLIC;");
                }
            }
        }
        String detail = role + "'s search_path is " + setting.value() + " (" + setting.source() + ")";
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), detail + ": " + String.join("; ", problems),
                    String.join(" ", remedies.stream().distinct().toList()));
        }
        return CheckResult.pass(name(), detail + "; no schema before the audit and source tables' own holds or may"
                + " get a table of their names");
    }

    /** The schemas of a search_path setting in order, {@code $user} as the role, pg_catalog and pg_temp left out. */
    static List<String> schemas(String setting, String role) {
        List<String> schemas = new ArrayList<>();
        for (String part : setting.split(",")) {
            String s = part.strip();
            if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
                s = s.substring(1, s.length() - 1).replace("\"\"", "\"");
            } else {
                s = s.toLowerCase(Locale.ROOT);
            }
            if (s.equals("$user")) {
                s = role;
            }
            if (!s.isEmpty() && !s.equals("pg_catalog") && !s.startsWith("pg_temp") && !schemas.contains(s)) {
                schemas.add(s);
            }
        }
        return schemas;
    }

    private static Schema schema(Connection c, String name, RoleReach reach, List<String> tables) throws Exception {
        boolean exists = false;
        boolean creatable = false;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM unnest(?::bigint[]) r(oid)
                               WHERE has_schema_privilege(r.oid::oid, n.oid, 'CREATE'))
                FROM pg_namespace n WHERE n.nspname = ?""")) {
            ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    creatable = rs.getBoolean(1);
                }
            }
        }
        Map<String, String> relations = new LinkedHashMap<>();
        if (exists) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT c.relname, c.oid::regclass::text || ' (' || CASE c.relkind WHEN 'v' THEN 'a view'
                           WHEN 'm' THEN 'a materialized view' WHEN 'f' THEN 'a foreign table' ELSE 'a table' END
                           || ' owned by ' || pg_get_userbyid(c.relowner) || ')'
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')""")) {
                ps.setString(1, name);
                ps.setArray(2, c.createArrayOf("text", tables.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        relations.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return new Schema(name, exists, creatable, relations);
    }
}
