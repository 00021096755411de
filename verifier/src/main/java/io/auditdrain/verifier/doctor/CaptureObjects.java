package io.auditdrain.verifier.doctor;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What makes capture happen, as the catalog links it: the capture triggers and the source tables {@link AuditObjects}
 * found, any other trigger on an audit table (such as one that rejects UPDATE and DELETE), their functions, and the
 * functions those depend on ({@code pg_depend} records this for SQL-standard bodies). Whoever can change one of these
 * can stop capture while {@code history-triggers} still sees every trigger enabled.
 *
 * @param sourceTables the source tables (audit tables left out: they have checks of their own)
 * @param functions    trigger functions first, then what they depend on
 * @param auditSchemas the schemas that hold an audit table
 */
record CaptureObjects(List<Trigger> triggers, List<Table> sourceTables, List<Function> functions,
                      List<String> auditSchemas) {

    /** @param onAuditTable the trigger hangs on an audit table (one that rejects UPDATE, say), not on a source table */
    record Trigger(String name, long tableOid, String table, long functionOid, String function, boolean onAuditTable) {
    }

    /**
     * @param ownedWithinReach the role, or a role it can become, owns it
     * @param schemaOwnedWithinReach the same for its schema
     * @param capturedBy its capture triggers, or (found beside its history table) that history table
     */
    record Table(long oid, String name, String owner, boolean ownedWithinReach, String schema,
                 boolean schemaOwnedWithinReach, String capturedBy) {
    }

    /**
     * @param signature as {@code regprocedure} prints it: {@code public.fn_capture_history()}
     * @param config    its {@code SET} clauses ({@code proconfig}), e.g. {@code search_path=pg_catalog, public}
     * @param body      {@code prosrc}: the body of a PL/pgSQL or SQL function, a symbol for C
     * @param usedBy    the trigger or function that makes it part of capture
     */
    record Function(long oid, String signature, String owner, boolean ownedWithinReach, String schema,
                    boolean schemaOwnedWithinReach, List<String> config, String language, String body,
                    String usedBy) {
    }

    static CaptureObjects of(Connection c, String role, AuditObjects audit) throws SQLException {
        List<Trigger> triggers = new ArrayList<>();
        for (AuditObjects.CaptureTrigger t : audit.captureTriggers()) {
            triggers.add(new Trigger(t.name(), t.tableOid(), t.table(), t.functionOid(), t.function(), false));
        }
        for (AuditObjects.AuditTrigger t : audit.auditTableTriggers()) {
            triggers.add(new Trigger(t.name(), t.tableOid(), t.table(), t.functionOid(), t.function(), true));
        }
        List<String> auditSchemas = audit.auditTables().stream().map(AuditObjects.AuditTable::schema).distinct()
                .sorted().toList();
        Map<Long, String> sources = new LinkedHashMap<>();
        for (AuditObjects.SourceTable s : audit.sourceTables()) {
            sources.put(s.oid(), s.triggers().isEmpty()
                    ? String.join(", ", s.history().stream().map(audit::relation).toList())
                    : String.join(", ", s.triggers()));
        }
        Map<Long, String> triggerFunctions = new LinkedHashMap<>();
        for (Trigger t : triggers) {
            triggerFunctions.putIfAbsent(t.functionOid(), "function of " + t.name() + " on " + t.table());
        }
        return new CaptureObjects(List.copyOf(triggers), tables(c, role, sources),
                functions(c, role, triggerFunctions), auditSchemas);
    }

    private static List<Table> tables(Connection c, String role, Map<Long, String> triggerByTable)
            throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RoleReach.MEMBER_OF + """
                SELECT c.oid, c.oid::regclass::text, pg_get_userbyid(c.relowner),
                       c.relowner IN (SELECT oid FROM member_of), n.nspname,""" + RoleReach.SCHEMA_OWNED_WITHIN_REACH
                + "\n" + """
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = ?::oid""")) {
            ps.setString(1, role);
            for (Map.Entry<Long, String> e : triggerByTable.entrySet()) {
                ps.setLong(2, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        tables.add(new Table(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                                rs.getString(5), rs.getBoolean(6), e.getValue()));
                    }
                }
            }
        }
        return List.copyOf(tables);
    }

    private static List<Function> functions(Connection c, String role, Map<Long, String> roots)
            throws SQLException {
        Map<Long, Function> functions = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(RoleReach.MEMBER_OF + """
                , fn(oid, used_by) AS (
                    SELECT r.oid::oid, r.used_by FROM unnest(?::bigint[], ?::text[]) AS r(oid, used_by)
                    UNION
                    SELECT d.refobjid, 'called by ' || fn.oid::regprocedure::text
                    FROM pg_depend d JOIN fn ON d.classid = 'pg_proc'::regclass AND d.objid = fn.oid
                    WHERE d.refclassid = 'pg_proc'::regclass)
                SELECT p.oid, p.oid::regprocedure::text, pg_get_userbyid(p.proowner),
                       p.proowner IN (SELECT oid FROM member_of), n.nspname,""" + RoleReach.SCHEMA_OWNED_WITHIN_REACH
                + "," + """
                       p.proconfig, l.lanname, p.prosrc, fn.used_by
                FROM fn JOIN pg_proc p ON p.oid = fn.oid
                JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
                WHERE n.nspname <> 'pg_catalog'""")) {
            ps.setString(1, role);
            ps.setArray(2, c.createArrayOf("int8", roots.keySet().toArray()));
            ps.setArray(3, c.createArrayOf("text", roots.values().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array config = rs.getArray(7);
                    List<String> settings = config == null ? List.of()
                            : List.copyOf(Arrays.asList((String[]) config.getArray()));
                    functions.putIfAbsent(rs.getLong(1), new Function(rs.getLong(1), rs.getString(2),
                            rs.getString(3), rs.getBoolean(4), rs.getString(5), rs.getBoolean(6), settings,
                            rs.getString(8), rs.getString(9), rs.getString(10)));
                }
            }
        }
        // Trigger functions first, in the order of their triggers.
        List<Function> ordered = new ArrayList<>();
        roots.keySet().forEach(oid -> {
            if (functions.containsKey(oid)) {
                ordered.add(functions.remove(oid));
            }
        });
        ordered.addAll(functions.values());
        return List.copyOf(ordered);
    }
}
