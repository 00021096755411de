package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.db.SqlText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * No {@code SECURITY DEFINER} function that the role may execute (through PUBLIC, by default, or any role it can
 * become) writes an audit table as an owner who may: calling it, the role changes audit rows with the owner's
 * privileges, and with {@code log_statement = mod} no log line names the table, since the call is a SELECT. What a
 * function writes is read from its body ({@code prosrc}, or, where that is empty, the SQL-standard body that
 * {@code pg_get_functiondef} prints): a body that builds SQL at run time ({@code EXECUTE}) or is compiled code cannot be read, and is a warning
 * when its owner may write an audit table.
 */
public final class SecurityDefinerFunctionsCheck extends RoleCheck {

    /** The table privilege each kind of write needs. */
    private static final Map<String, String> PRIVILEGE = Map.of("INSERT", "INSERT", "UPDATE", "UPDATE",
            "DELETE", "DELETE", "TRUNCATE", "TRUNCATE", "COPY", "INSERT", "MERGE", "INSERT, UPDATE, DELETE");

    @Override
    public String name() {
        return "security-definer-functions";
    }

    @Override
    public String description() {
        return "no SECURITY DEFINER function the role may run writes an audit table with its owner's privileges";
    }

    private record AuditTable(long oid, String relation, String schema, String name) {
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        Connection c = ctx.session().connection();
        String role = ctx.role().name();
        List<AuditTable> tables = auditTables(c, ctx);
        Long[] allOids = reach.roles().stream().map(RoleReach.Member::oid).toArray(Long[]::new);
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        int examined = 0;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.oid, p.oid::regprocedure::text, pg_get_userbyid(p.proowner), p.proowner, l.lanname,
                       p.prosrc, CASE WHEN p.prosrc = '' THEN pg_get_functiondef(p.oid) END
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
                WHERE p.prosecdef AND p.prokind IN ('f', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND NOT p.proowner = ANY (?::bigint[]::oid[])
                  AND EXISTS (SELECT 1 FROM unnest(?::bigint[]) r(oid)
                              WHERE has_function_privilege(r.oid::oid, p.oid, 'EXECUTE'))
                ORDER BY 2""")) {
            ps.setArray(1, c.createArrayOf("int8", allOids));
            ps.setArray(2, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    examined++;
                    long function = rs.getLong(1);
                    String signature = rs.getString(2);
                    String owner = rs.getString(3);
                    long ownerOid = rs.getLong(4);
                    String language = rs.getString(5);
                    String body = rs.getString(7) != null ? rs.getString(7) : rs.getString(6);
                    String runsAs = signature + " runs as " + owner + " (SECURITY DEFINER) and " + role
                            + " may execute it";
                    if (language.equals("c") || language.equals("internal")) {
                        List<String> writable = writableBy(c, ownerOid, tables);
                        if (!writable.isEmpty()) {
                            warnings.add(runsAs + "; it is compiled code, so what it writes cannot be read, and "
                                    + owner + " may write " + String.join(", ", writable));
                            remedies.add(revokeExecute(c, function, signature, reach));
                        }
                        continue;
                    }
                    Set<String> writes = new LinkedHashSet<>();
                    for (SqlText.TableWrite w : SqlText.writes(body)) {
                        for (AuditTable t : tables) {
                            if (t.name().equals(w.table()) && (w.schema() == null || w.schema().equals(t.schema()))
                                    && ownerMay(c, ownerOid, t.oid(), PRIVILEGE.get(w.command()))) {
                                writes.add(t.relation() + " (" + w.command() + ")");
                            }
                        }
                    }
                    if (!writes.isEmpty()) {
                        failures.add(runsAs + ", and it writes " + String.join(", ", writes));
                        remedies.add(revokeExecute(c, function, signature, reach));
                    } else if (SqlText.runsDynamicSql(body)) {
                        List<String> writable = writableBy(c, ownerOid, tables);
                        if (!writable.isEmpty()) {
                            warnings.add(runsAs + "; it runs SQL built at run time (EXECUTE), so what it writes"
                                    + " cannot be read, and " + owner + " may write " + String.join(", ", writable));
                            remedies.add(revokeExecute(c, function, signature, reach));
                        }
                    }
                }
            }
        }
        String remedy = String.join(" ", remedies.stream().distinct().toList());
        if (!failures.isEmpty()) {
            List<String> all = new ArrayList<>(failures);
            all.addAll(warnings);
            return CheckResult.fail(name(), String.join("; ", all) + ": rows change with the owner's privileges,"
                    + " and the call is logged (if at all) as a SELECT that names no table", remedy);
        }
        if (!warnings.isEmpty()) {
            return CheckResult.warn(name(), String.join("; ", warnings), remedy);
        }
        return CheckResult.pass(name(), examined == 0
                ? role + " may execute no SECURITY DEFINER function of another role"
                : "none of the " + examined + " SECURITY DEFINER functions " + role
                + " may execute writes an audit table");
    }

    private static List<AuditTable> auditTables(Connection c, DoctorContext ctx) throws SQLException {
        List<AuditTable> tables = new ArrayList<>();
        for (AuditObjects.AuditTable t : ctx.audit().auditTables()) {
            tables.add(new AuditTable(t.oid(), t.relation(), t.schema(), t.name()));
        }
        return tables;
    }

    private static boolean ownerMay(Connection c, long owner, long table, String privilege) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?::oid, ?::oid, ?)")) {
            ps.setLong(1, owner);
            ps.setLong(2, table);
            ps.setString(3, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static List<String> writableBy(Connection c, long owner, List<AuditTable> tables) throws SQLException {
        List<String> writable = new ArrayList<>();
        for (AuditTable t : tables) {
            if (ownerMay(c, owner, t.oid(), "INSERT, UPDATE, DELETE, TRUNCATE")) {
                writable.add(t.relation());
            }
        }
        return writable;
    }

    /** REVOKE EXECUTE from whoever gives it to the role: PUBLIC (the default for functions), itself, a group. */
    private static String revokeExecute(Connection c, long function, String signature, RoleReach reach)
            throws SQLException {
        Set<String> grantees = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
                FROM pg_proc p CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                WHERE p.oid = ?::oid AND a.privilege_type = 'EXECUTE'
                  AND (a.grantee = 0 OR a.grantee = ANY (?::bigint[]::oid[]))""")) {
            ps.setLong(1, function);
            ps.setArray(2, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grantees.add(rs.getString(1).equals("PUBLIC") ? "PUBLIC"
                            : SqlIdentifier.role(rs.getString(1)).display());
                }
            }
        }
        return "REVOKE EXECUTE ON FUNCTION " + signature + " FROM " + (grantees.isEmpty() ? "PUBLIC"
                : String.join(", ", grantees)) + ";   (or, if it need not run as its owner: ALTER FUNCTION "
                + signature + " SECURITY INVOKER;)";
    }
}
