package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The role cannot change the server settings that switch capture off. PostgreSQL 15 lets a superuser
 * {@code GRANT SET} (or {@code ALTER SYSTEM}) {@code ON PARAMETER} to anyone, to PUBLIC included; the privilege system
 * ({@code has_parameter_privilege}) is asked for the role and every role it can become, over every parameter the
 * server knows and every one named in {@code pg_parameter_acl}. A failure:
 * <ul>
 *   <li>{@code SET} on {@code session_replication_role}: {@code replica} stops every ordinary trigger, the history
 *       triggers included;</li>
 *   <li>{@code SET} on a logging parameter ({@code log_statement}, {@code log_min_messages}, any of
 *       Reporting and Logging) or on {@code pgaudit.*}: the session's writes stop reaching the log, so the archive;</li>
 *   <li>{@code ALTER SYSTEM} on any parameter: it rewrites the server's configuration for every session.</li>
 * </ul>
 * {@code SET} on another superuser-only parameter is a warning.
 */
public final class ParameterPrivilegesCheck extends RoleCheck {

    @Override
    public String name() {
        return "parameter-privileges";
    }

    @Override
    public String description() {
        return "the role cannot SET or ALTER SYSTEM the parameters that switch triggers or statement logging off";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        Connection c = ctx.session().connection();
        if (Integer.parseInt(ctx.session().show("server_version_num")) < 150000) {
            return CheckResult.pass(name(), "before PostgreSQL 15 only superusers may set superuser-only parameters"
                    + " (role-not-superuser)");
        }
        String role = ctx.role().name();
        // parameter and privilege -> who holds it
        Map<String, Set<String>> held = new LinkedHashMap<>();
        Map<String, String> category = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                WITH names(name, context, category) AS (
                    SELECT name, context, category FROM pg_settings
                    UNION
                    SELECT parname, NULL, NULL FROM pg_parameter_acl WHERE parname NOT IN (SELECT name FROM pg_settings))
                SELECT n.name, n.context, n.category, r.oid, p.privilege
                FROM names n CROSS JOIN unnest(?::bigint[]) r(oid) CROSS JOIN (VALUES ('SET'), ('ALTER SYSTEM')) p(privilege)
                WHERE has_parameter_privilege(r.oid::oid, n.name, p.privilege)
                  AND (p.privilege = 'ALTER SYSTEM' OR n.context IS NULL OR n.context <> 'user')
                ORDER BY 1, 5""")) {
            ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(5) + " ON PARAMETER " + rs.getString(1);
                    held.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(reach.byOid(rs.getLong(4)).name());
                    category.put(key, rs.getString(3) == null ? "" : rs.getString(3));
                }
            }
        }
        Map<String, List<String>> grantees = grantees(c, reach);
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : held.entrySet()) {
            String key = e.getKey();
            String parameter = key.substring(key.indexOf(" ON PARAMETER ") + " ON PARAMETER ".length());
            boolean alterSystem = key.startsWith("ALTER SYSTEM");
            String who = e.getValue().contains(role) ? role : role + " (through " + String.join(", ", e.getValue())
                    + ")";
            String why = alterSystem ? "it can rewrite the server's configuration"
                    : parameter.equals("session_replication_role") ? "'replica' stops the history triggers"
                    : capturesLogging(parameter, category.get(key)) ? "the session's writes can stop reaching the log"
                    : null;
            String finding = who + " holds " + key + (why == null ? "" : ": " + why);
            (why == null ? warnings : failures).add(finding);
            for (String grantee : grantees.getOrDefault(key, List.of())) {
                remedies.add("REVOKE " + key + " FROM " + grantee + ";");
            }
        }
        Optional<CheckResult> found = CheckResult.of(name(), failures, warnings, remedies);
        if (found.isPresent()) {
            return found.get();
        }
        return CheckResult.pass(name(), role + " holds no SET or ALTER SYSTEM privilege on a superuser-only"
                + " parameter");
    }

    static boolean capturesLogging(String parameter, String category) {
        return category.startsWith("Reporting and Logging") || parameter.startsWith("log_")
                || parameter.startsWith("pgaudit.");
    }

    /** Who was granted what, among PUBLIC and the roles within reach: the REVOKEs that take it away. */
    private static Map<String, List<String>> grantees(Connection c, RoleReach reach) throws Exception {
        Map<String, List<String>> grantees = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.privilege_type || ' ON PARAMETER ' || p.parname,
                       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
                FROM pg_parameter_acl p CROSS JOIN LATERAL aclexplode(p.paracl) a
                WHERE a.grantee = 0 OR a.grantee = ANY (?::bigint[]::oid[])""")) {
            ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String grantee = rs.getString(2).equals("PUBLIC") ? "PUBLIC"
                            : SqlIdentifier.role(rs.getString(2)).display();
                    grantees.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(grantee);
                }
            }
        }
        return grantees;
    }
}
