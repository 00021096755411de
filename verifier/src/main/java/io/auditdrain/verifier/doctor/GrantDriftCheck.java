package io.auditdrain.verifier.doctor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runbook (postgres roles), failure mode C, grant drift: {@code GRANT ... ON ALL TABLES} covers only the tables that
 * exist when it runs, so a migration that adds a table without its own GRANT leaves the role without access, and users
 * meet {@code permission denied} in production. This check compares the role's privileges on the application tables
 * (every table in a schema it may use, except the audit and migration tables and tables an extension brings, such as
 * PostGIS's {@code spatial_ref_sys}): any table lacking a privilege that
 * most of its peers give, and any sequence behind a column default of a table the role may INSERT into but whose
 * sequence it may not use, is a warning. It is a warning, not a failure: a table may be private on purpose.
 */
public final class GrantDriftCheck extends RoleCheck {

    private static final List<String> DML = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

    @Override
    public String name() {
        return "grant-drift";
    }

    @Override
    public String description() {
        return "the role holds on every application table the privileges its peer tables give it";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        Connection c = ctx.session().connection();
        String role = ctx.role().name();
        List<Long> audit = ctx.audit().auditTables().stream().map(AuditObjects.AuditTable::oid).toList();
        List<String> migration = ctx.migrationTables().stream().map(t -> t.inPublicUnlessQualified().quoted()).toList();
        Map<String, Set<String>> privileges = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.oid::regclass::text, has_table_privilege(?, c.oid, 'SELECT'),
                       has_table_privilege(?, c.oid, 'INSERT'), has_table_privilege(?, c.oid, 'UPDATE'),
                       has_table_privilege(?, c.oid, 'DELETE')
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                  AND has_schema_privilege(?, n.oid, 'USAGE')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                                  AND e.objid = c.oid AND e.deptype = 'e')
                  AND NOT c.oid = ANY (?::bigint[]::oid[])
                  AND c.oid NOT IN (SELECT to_regclass(t) FROM unnest(?::text[]) t WHERE to_regclass(t) IS NOT NULL)
                ORDER BY 1""")) {
            for (int i = 1; i <= 5; i++) {
                ps.setString(i, role);
            }
            ps.setArray(6, c.createArrayOf("int8", audit.toArray()));
            ps.setArray(7, c.createArrayOf("text", migration.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Set<String> held = new TreeSet<>();
                    for (int i = 0; i < DML.size(); i++) {
                        if (rs.getBoolean(i + 2)) {
                            held.add(DML.get(i));
                        }
                    }
                    privileges.put(rs.getString(1), held);
                }
            }
        }
        // What most application tables give the role is what a new one should give it too.
        List<String> usual = DML.stream()
                .filter(p -> privileges.values().stream().filter(h -> h.contains(p)).count() * 2 > privileges.size())
                .toList();
        List<String> drift = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        if (privileges.size() >= 2) {
            privileges.forEach((table, held) -> {
                List<String> missing = usual.stream().filter(p -> !held.contains(p)).toList();
                if (!missing.isEmpty()) {
                    drift.add(table + " lacks " + String.join(", ", missing));
                    remedies.add("GRANT " + String.join(", ", missing) + " ON TABLE " + table + " TO "
                            + ctx.role().display() + ";");
                }
            });
        }
        // A serial column's default calls nextval(), which needs USAGE on the sequence (runbook Block D).
        try (PreparedStatement ps = c.prepareStatement("""
                WITH owned AS MATERIALIZED (
                    SELECT s.oid AS seq, t.oid AS tab
                    FROM pg_depend d
                    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                    JOIN pg_class t ON t.oid = d.refobjid
                    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                      AND d.deptype = 'a')
                SELECT seq::regclass::text, tab::regclass::text FROM owned
                WHERE has_table_privilege(?, tab, 'INSERT') AND NOT has_sequence_privilege(?, seq, 'USAGE, UPDATE')
                ORDER BY 1""")) {
            ps.setString(1, role);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    drift.add("INSERT into " + rs.getString(2) + " fails: no USAGE on its sequence " + rs.getString(1));
                    remedies.add("GRANT USAGE ON SEQUENCE " + rs.getString(1) + " TO " + ctx.role().display() + ";");
                }
            }
        }
        if (!drift.isEmpty()) {
            return CheckResult.warn(name(), String.join("; ", drift) + " (its peers give " + role + " "
                    + (usual.isEmpty() ? "nothing" : String.join(", ", usual)) + ")", String.join(" ", remedies)
                    + " Put the GRANT in the migration that created the table. An audit or history table gets"
                    + " INSERT, SELECT only (doctor then finds it), or name it in --audit-tables.");
        }
        return CheckResult.pass(name(), privileges.size() + " application tables give " + role + " the same"
                + " privileges (" + (usual.isEmpty() ? "none" : String.join(", ", usual)) + "); every sequence it"
                + " needs for INSERT is usable");
    }
}
