package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.db.SqlText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The audit objects as the database shows them, found rather than listed, each by its oid and schema-qualified name
 * (never through a session's {@code search_path}):
 * <ul>
 *   <li><b>audit tables</b> (append-only): tables named {@code *_history}; tables on which the restricted role holds
 *       INSERT but neither UPDATE nor DELETE; the table smoke's tracer writes; tables a capture function INSERTs
 *       into; tables named with {@code --audit-tables}; and every partition or inheritance child of these;</li>
 *   <li><b>capture triggers</b>: triggers on other tables whose function INSERTs into an audit table, or builds its
 *       statement at run time ({@code EXECUTE}) while a {@code <table>_history} exists beside its table; and the
 *       triggers named with {@code --history-triggers};</li>
 *   <li><b>source tables</b>: the tables of capture triggers, and {@code X} wherever {@code X_history} exists beside
 *       it and the role may write {@code X} (so that a capture trigger that was dropped or re-pointed still leaves its
 *       table to be checked), each with the history tables its changes must reach.</li>
 * </ul>
 * Migration tables are never audit tables. Extension members and system schemas are left out.
 *
 * @param missingNamed names given with {@code --audit-tables} or {@code --history-triggers} that do not exist
 */
public record AuditObjects(List<AuditTable> auditTables, List<SourceTable> sourceTables,
                           List<CaptureTrigger> captureTriggers, List<AuditTrigger> auditTableTriggers,
                           List<String> missingNamed) {

    /**
     * @param relation  as {@code regclass} prints it with the doctor's pinned search_path: always schema-qualified
     * @param parentOid the audit table it is a partition or child of; 0 for none
     * @param foundBy   why it is an audit table, for the report
     */
    public record AuditTable(long oid, String schema, String name, String relation, boolean partitioned,
                             long parentOid, List<String> foundBy) {

    }

    /**
     * @param triggers the capture triggers on it (empty when it was found only as {@code X} of {@code X_history})
     * @param history  the audit tables its changes must reach
     */
    public record SourceTable(long oid, String schema, String name, String relation, List<String> triggers,
                              List<Long> history) {
    }

    /**
     * @param enabled    {@code tgenabled}: O origin, A always, R replica only, D disabled
     * @param writes     the audit tables its function INSERTs into, as far as its body shows
     */
    public record CaptureTrigger(long oid, String name, long tableOid, String table, long functionOid,
                                 String function, String enabled, List<Long> writes, boolean named) {
    }

    /** A trigger on an audit table itself (one that rejects UPDATE, say): its function is part of capture too. */
    public record AuditTrigger(String name, long tableOid, String table, long functionOid, String function) {
    }

    /**
     * A view that reads an audit table, directly or through other views: a write through it writes the table.
     *
     * @param securityInvoker the view checks the caller's privileges on the table ({@code security_invoker}), not
     *                        its owner's
     */
    public record View(long oid, String schema, String name, String relation, String owner, long baseOid,
                       boolean securityInvoker) {
    }

    /** What the options add to discovery. */
    public record Named(List<SqlIdentifier> auditTables, List<SqlIdentifier> historyTriggers,
                        List<SqlIdentifier> migrationTables, SqlIdentifier tracerTable) {
    }

    /**
     * @param appendOnlyForRole the role may INSERT but neither UPDATE nor DELETE
     * @param writableByRole    the role may INSERT, UPDATE or DELETE (some columns are enough)
     */
    private record Table(long oid, String schema, String name, String relation, boolean partitioned,
                         boolean partition, boolean appendOnlyForRole, boolean writableByRole) {
    }

    private record Trigger(long oid, String name, long tableOid, long functionOid, String function, String enabled,
                           String language, String body, List<String> searchPath) {
    }

    public Optional<AuditTable> auditTable(long oid) {
        return auditTables.stream().filter(t -> t.oid() == oid).findFirst();
    }

    /** The table and every partition or child of it, recursively. */
    public List<Long> withDescendants(long oid) {
        List<Long> all = new ArrayList<>(List.of(oid));
        for (int i = 0; i < all.size(); i++) {
            long parent = all.get(i);
            auditTables.stream().filter(t -> t.parentOid() == parent).forEach(t -> all.add(t.oid()));
        }
        return all;
    }

    /** The relation's name for reports, for any table found here. */
    public String relation(long oid) {
        return auditTable(oid).map(AuditTable::relation)
                .or(() -> sourceTables.stream().filter(s -> s.oid() == oid).map(SourceTable::relation).findFirst())
                .orElse("oid " + oid);
    }

    /**
     * Reads the catalog. The doctor's session must have its search_path pinned (pg_catalog, pg_temp), so that every
     * name read here is printed with its schema.
     *
     * @param role the restricted role; null when it does not exist (the rule on its privileges then finds nothing)
     */
    public static AuditObjects discover(Connection c, String role, Named named) throws SQLException {
        Map<Long, Table> tables = tables(c, role);
        Map<Long, Long> parents = parents(c);
        List<Trigger> triggers = triggers(c);
        Set<Long> migration = new LinkedHashSet<>();
        for (SqlIdentifier m : named.migrationTables()) {
            find(tables, m.schema(), m.name()).ifPresent(t -> migration.add(t.oid()));
        }
        List<String> missing = new ArrayList<>();

        Map<Long, List<String>> audit = new LinkedHashMap<>();
        for (Table t : tables.values()) {
            if (migration.contains(t.oid())) {
                continue;
            }
            if (t.name().endsWith("_history")) {
                audit.computeIfAbsent(t.oid(), k -> new ArrayList<>()).add("named *_history");
            }
            if (t.appendOnlyForRole()) {
                audit.computeIfAbsent(t.oid(), k -> new ArrayList<>()).add(role + " may INSERT but neither UPDATE"
                        + " nor DELETE");
            }
        }
        if (named.tracerTable() != null) {
            find(tables, named.tracerTable().schema(), named.tracerTable().name()).ifPresent(t -> audit.computeIfAbsent(t.oid(), k -> new ArrayList<>())
                    .add("smoke's tracer table"));
        }
        for (SqlIdentifier n : named.auditTables()) {
            Optional<Table> t = find(tables, n.schema(), n.name());
            if (t.isPresent()) {
                audit.computeIfAbsent(t.get().oid(), k -> new ArrayList<>()).add("--audit-tables");
            } else {
                missing.add(qualified(n) + " (--audit-tables) does not exist");
            }
        }

        // Capture triggers: on a table that is not an audit table, writing one (or building its SQL at run time while
        // the table's *_history exists); then what else their functions INSERT into is audit too.
        Set<String> namedTriggers = new LinkedHashSet<>();
        named.historyTriggers().forEach(t -> namedTriggers.add(t.name()));
        Map<Long, List<Long>> writesByTrigger = new LinkedHashMap<>();
        for (Trigger tr : triggers) {
            if (audit.containsKey(tr.tableOid()) || !tables.containsKey(tr.tableOid())) {
                continue;
            }
            Table on = tables.get(tr.tableOid());
            List<Long> writes = new ArrayList<>();
            for (SqlText.TableWrite w : staticInserts(tr)) {
                resolve(tables, w, tr.searchPath()).ifPresent(t -> {
                    if (!writes.contains(t.oid())) {
                        writes.add(t.oid());
                    }
                });
            }
            boolean writesAudit = writes.stream().anyMatch(audit::containsKey);
            Optional<Table> paired = find(tables, on.schema(), on.name() + "_history")
                    .filter(t -> audit.containsKey(t.oid()));
            if (!writesAudit && paired.isPresent() && tr.body() != null && SqlText.runsDynamicSql(tr.body())) {
                writes.add(paired.get().oid());
                writesAudit = true;
            }
            if (writesAudit || namedTriggers.contains(tr.name())) {
                writesByTrigger.put(tr.oid(), writes);
            }
        }
        for (Map.Entry<Long, List<Long>> e : writesByTrigger.entrySet()) {
            Trigger tr = triggers.stream().filter(t -> t.oid() == e.getKey()).findFirst().orElseThrow();
            for (long target : e.getValue()) {
                if (!audit.containsKey(target) && !migration.contains(target) && target != tr.tableOid()) {
                    audit.computeIfAbsent(target, k -> new ArrayList<>()).add("written by the capture function "
                            + tr.function());
                }
            }
        }
        // Partitions and inheritance children of an audit table hold its rows: they are audit tables too.
        Map<Long, Long> parentOf = new LinkedHashMap<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<Long, Long> p : parents.entrySet()) {
                long child = p.getKey();
                long parent = p.getValue();
                if (audit.containsKey(parent) && tables.containsKey(child) && !parentOf.containsKey(child)) {
                    Table pt = tables.get(parent);
                    audit.computeIfAbsent(child, k -> new ArrayList<>()).add((tables.get(child).partition()
                            ? "partition of " : "inherits from ") + pt.relation());
                    parentOf.put(child, parent);
                    grew = true;
                }
            }
        }
        List<AuditTable> auditTables = new ArrayList<>();
        audit.forEach((oid, why) -> {
            Table t = tables.get(oid);
            auditTables.add(new AuditTable(oid, t.schema(), t.name(), t.relation(), t.partitioned(),
                    parentOf.getOrDefault(oid, 0L), List.copyOf(why)));
        });
        auditTables.sort((a, b) -> a.relation().compareTo(b.relation()));

        List<CaptureTrigger> captureTriggers = new ArrayList<>();
        List<AuditTrigger> auditTriggers = new ArrayList<>();
        for (Trigger tr : triggers) {
            if (writesByTrigger.containsKey(tr.oid()) && !audit.containsKey(tr.tableOid())) {
                List<Long> writes = writesByTrigger.get(tr.oid()).stream().filter(audit::containsKey).toList();
                captureTriggers.add(new CaptureTrigger(tr.oid(), tr.name(), tr.tableOid(),
                        tables.get(tr.tableOid()).relation(), tr.functionOid(), tr.function(), tr.enabled(), writes,
                        namedTriggers.contains(tr.name())));
            } else if (audit.containsKey(tr.tableOid())) {
                auditTriggers.add(new AuditTrigger(tr.name(), tr.tableOid(), tables.get(tr.tableOid()).relation(),
                        tr.functionOid(), tr.function()));
            }
        }
        for (String n : namedTriggers) {
            if (triggers.stream().noneMatch(t -> t.name().equals(n))) {
                missing.add("trigger " + n + " (--history-triggers) does not exist");
            }
        }

        // Source tables: those of capture triggers, and X beside every audit table X_history.
        Map<Long, List<String>> sourceTriggers = new LinkedHashMap<>();
        Map<Long, Set<Long>> sourceHistory = new LinkedHashMap<>();
        for (CaptureTrigger ct : captureTriggers) {
            sourceTriggers.computeIfAbsent(ct.tableOid(), k -> new ArrayList<>()).add(ct.name());
            sourceHistory.computeIfAbsent(ct.tableOid(), k -> new LinkedHashSet<>()).addAll(ct.writes());
        }
        for (AuditTable a : auditTables) {
            if (a.name().endsWith("_history") && a.parentOid() == 0) {
                String base = a.name().substring(0, a.name().length() - "_history".length());
                // Only a table the role may write: one it cannot write has nothing of its to capture.
                find(tables, a.schema(), base).filter(t -> !audit.containsKey(t.oid()) && t.writableByRole())
                        .ifPresent(t -> {
                            sourceTriggers.computeIfAbsent(t.oid(), k -> new ArrayList<>());
                            sourceHistory.computeIfAbsent(t.oid(), k -> new LinkedHashSet<>()).add(a.oid());
                        });
            }
        }
        List<SourceTable> sources = new ArrayList<>();
        sourceTriggers.forEach((oid, names) -> {
            Table t = tables.get(oid);
            sources.add(new SourceTable(oid, t.schema(), t.name(), t.relation(), List.copyOf(names),
                    List.copyOf(sourceHistory.getOrDefault(oid, Set.of()))));
        });
        sources.sort((a, b) -> a.relation().compareTo(b.relation()));
        return new AuditObjects(List.copyOf(auditTables), List.copyOf(sources), List.copyOf(captureTriggers),
                List.copyOf(auditTriggers), List.copyOf(missing));
    }

    /** Every view over an audit table, directly or through other views ({@code pg_rewrite}'s dependencies). */
    public List<View> views(Connection c) throws SQLException {
        List<View> views = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                WITH RECURSIVE over(view, base) AS (
                    SELECT r.ev_class, d.refobjid
                    FROM pg_depend d JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY (?::bigint[]::oid[])
                      AND d.refobjid <> r.ev_class AND r.rulename = '_RETURN'
                    UNION
                    SELECT r.ev_class, over.base
                    FROM over JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = over.view
                    JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    WHERE r.ev_class <> over.view AND r.rulename = '_RETURN')
                SELECT DISTINCT v.oid, n.nspname, v.relname, v.oid::regclass::text, pg_get_userbyid(v.relowner),
                       over.base, coalesce(lower(array_to_string(v.reloptions, ',')) ~
                           '(^|,)security_invoker=(true|on|yes|1)(,|$)', false)
                FROM over JOIN pg_class v ON v.oid = over.view JOIN pg_namespace n ON n.oid = v.relnamespace
                WHERE v.relkind = 'v' ORDER BY 4, 6""")) {
            ps.setArray(1, c.createArrayOf("int8", auditTables.stream().map(AuditTable::oid).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    views.add(new View(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getBoolean(7)));
                }
            }
        }
        return views;
    }

    /** Any relation's name as {@code regclass} prints it (with the doctor's pinned path: with its schema). */
    static String relationName(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::oid::regclass::text")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** {@code public.name} for a name given without a schema: options are never resolved on a search_path. */
    static String qualified(SqlIdentifier id) {
        return (id.schema() == null ? "public" : id.schema()) + "." + id.name();
    }

    /** The table {@code schema.name}; a name given without a schema is looked for in {@code public}. */
    private static Optional<Table> find(Map<Long, Table> tables, String schema, String name) {
        String in = schema == null ? "public" : schema;
        return tables.values().stream().filter(t -> t.schema().equals(in) && t.name().equals(name)).findFirst();
    }

    /**
     * The table a function body's INSERT names: qualified as written, else on the function's own search_path
     * (where it pins one), else in {@code public}.
     */
    private static Optional<Table> resolve(Map<Long, Table> tables, SqlText.TableWrite w, List<String> searchPath) {
        if (w.schema() != null) {
            return find(tables, w.schema(), w.table());
        }
        for (String schema : searchPath.isEmpty() ? List.of("public") : searchPath) {
            Optional<Table> t = find(tables, schema, w.table());
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    private static List<SqlText.TableWrite> staticInserts(Trigger tr) {
        if (tr.body() == null || tr.language().equals("c") || tr.language().equals("internal")) {
            return List.of();
        }
        return SqlText.writes(tr.body()).stream()
                .filter(w -> w.command().equals("INSERT") || w.command().equals("MERGE") || w.command().equals("COPY"))
                .toList();
    }

    private static Map<Long, Table> tables(Connection c, String role) throws SQLException {
        Map<Long, Table> tables = new LinkedHashMap<>();
        String privileges = role == null ? "false, false"
                : "has_table_privilege(?, c.oid, 'INSERT') AND NOT has_table_privilege(?, c.oid, 'UPDATE')"
                + " AND NOT has_table_privilege(?, c.oid, 'DELETE'),"
                + " has_any_column_privilege(?, c.oid, 'INSERT, UPDATE') OR has_table_privilege(?, c.oid, 'DELETE')";
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, c.oid::regclass::text,"
                + " c.relkind = 'p', c.relispartition, " + privileges + """
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                                  AND e.objid = c.oid AND e.deptype = 'e')
                ORDER BY 4""")) {
            if (role != null) {
                for (int i = 1; i <= 5; i++) {
                    ps.setString(i, role);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.put(rs.getLong(1), new Table(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7),
                            rs.getBoolean(8)));
                }
            }
        }
        return tables;
    }

    private static Map<Long, Long> parents(Connection c) throws SQLException {
        Map<Long, Long> parents = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT inhrelid, inhparent FROM pg_inherits ORDER BY 1, inhseqno");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                parents.putIfAbsent(rs.getLong(1), rs.getLong(2));
            }
        }
        return parents;
    }

    private static List<Trigger> triggers(Connection c) throws SQLException {
        List<Trigger> triggers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.oid, t.tgname, t.tgrelid, t.tgfoid, t.tgfoid::regprocedure::text, t.tgenabled, l.lanname,
                       CASE WHEN p.prosrc = '' OR l.lanname = 'sql' THEN pg_get_functiondef(p.oid) ELSE p.prosrc END,
                       (SELECT substr(s, 13) FROM unnest(p.proconfig) s WHERE s LIKE 'search\\_path=%')
                FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
                WHERE NOT t.tgisinternal ORDER BY t.tgrelid::regclass::text, t.tgname""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> path = new ArrayList<>();
                String configured = rs.getString(9);
                if (configured != null) {
                    for (String part : configured.split(",")) {
                        String s = part.strip();
                        if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
                            s = s.substring(1, s.length() - 1);
                        } else {
                            s = s.toLowerCase(Locale.ROOT);
                        }
                        if (!s.isEmpty() && !s.equals("pg_temp") && !s.equals("pg_catalog")) {
                            path.add(s);
                        }
                    }
                }
                triggers.add(new Trigger(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), List.copyOf(path)));
            }
        }
        return triggers;
    }
}
