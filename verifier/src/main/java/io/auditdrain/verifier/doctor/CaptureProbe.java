package io.auditdrain.verifier.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.verifier.db.RoleSession;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.logs.VerifierWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Exercises capture as the restricted role, one table at a time, each in its own transaction that is always rolled
 * back:
 * <ul>
 *   <li>a source table: an INSERT of a probe row, an UPDATE of each column the role may update (one at a time, so that
 *       a trigger {@code UPDATE OF} some columns shows), and a DELETE; after each, the history table is read: the
 *       write must have left a row there holding the operation and the row as it was written (as it was before, for a
 *       DELETE);</li>
 *   <li>an audit table: an INSERT that must land in that very table (or a partition of it), then an UPDATE of each
 *       column, a DELETE and a TRUNCATE, which must each be refused (or leave the row as it was).</li>
 * </ul>
 * Every statement opens with the probe's tag as a comment ({@link VerifierWrites#probeComment}) and carries its values
 * as literals, so the logged line is the whole statement and the writers check knows it, where the role logged it.
 * The transaction is REPEATABLE READ, so the rows it reads as its own ({@code age(xmin) <= 0}: written by this
 * transaction or one of its subtransactions) are exactly those it wrote; it sets a lock timeout (a TRUNCATE the role
 * may run would otherwise wait for the table's lock) and a statement timeout.
 */
final class CaptureProbe {

    /** How serious a finding is: capture fails, the probe could not run, or worth knowing. */
    enum Severity { FAIL, CANNOT_RUN, NOTE }

    record Finding(String table, Severity severity, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection c;
    private final String role;
    private final boolean setRole;
    private final AuditObjects audit;
    private final Map<String, String> given;
    private final String tag;
    private final String comment;
    private final String searchPath;
    private final List<String> unwritten = new ArrayList<>();
    private int statements;

    /**
     * @param setRole    whether the session is an owner's, which takes on the role with {@code SET LOCAL ROLE}
     * @param rolesPath  the schemas of the role's own search_path, in order: capture functions that look names up on
     *                   their caller's path see what they see in the application's sessions, behind pg_catalog (so
     *                   that the probe's own functions and operators are the catalog's)
     */
    CaptureProbe(Connection c, String role, boolean setRole, AuditObjects audit, Map<String, String> given,
                 String tag, List<String> rolesPath) {
        this.c = c;
        this.role = role;
        this.setRole = setRole;
        this.audit = audit;
        this.given = given;
        this.tag = tag;
        this.comment = VerifierWrites.probeComment(tag);
        List<String> path = new ArrayList<>(List.of("pg_catalog"));
        rolesPath.forEach(s -> path.add(SqlIdentifier.displayName(s)));
        this.searchPath = String.join(", ", path);
    }

    /** Probe statements sent so far (each is a line in the statement log). */
    int statements() {
        return statements;
    }

    /**
     * Tables the role may not write at all: a source table it cannot change has nothing of its to capture, and an
     * audit table it cannot INSERT into (written by capture as another role, or a partition reached through its
     * parent) was probed for refusals only.
     */
    List<String> unwritten() {
        return List.copyOf(unwritten);
    }

    // --- audit tables ------------------------------------------------------------------------------------------

    List<Finding> auditTable(AuditObjects.AuditTable t) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<ProbeColumns.Column> columns = ProbeColumns.of(c, t.oid(), role);
        if (!privilege(t.oid(), "INSERT")) {
            unwritten.add(t.relation());
            inTransaction(() -> refusedWithoutRow(t, columns, findings));
            return findings;
        }
        inTransaction(() -> {
            Map<Long, Long> before = inserted();
            String insert;
            try {
                insert = insertStatement(t.schema(), t.name(), t.relation(), columns);
            } catch (CannotRunException e) {
                findings.add(new Finding(t.relation(), Severity.CANNOT_RUN, e.getMessage()));
                return;
            }
            Savepoint sp = c.setSavepoint();
            Row row;
            try {
                row = returning(insert + " RETURNING tableoid, ctid::text, to_jsonb(p)");
            } catch (SQLException e) {
                c.rollback(sp);
                if ("0A000".equals(e.getSQLState())) {
                    execute(insert);
                    findings.add(new Finding(t.relation(), Severity.FAIL, "a DO INSTEAD rule rewrites INSERT INTO "
                            + t.relation() + " (" + oneLine(e) + ")" + landed(before, t)));
                } else {
                    findings.add(refusedInsert(t, e));
                }
                return;
            }
            if (row == null) {
                findings.add(new Finding(t.relation(), Severity.FAIL, "INSERT INTO " + t.relation() + " wrote no row"
                        + " (a trigger or rule stopped it)" + landed(before, t)));
                return;
            }
            if (!audit.withDescendants(t.oid()).contains(row.tableOid())) {
                findings.add(new Finding(t.relation(), Severity.FAIL, "INSERT INTO " + t.relation() + " landed in "
                        + relation(row.tableOid()) + ", not in the table or a partition of it"));
                return;
            }
            String where = " WHERE tableoid = " + row.tableOid() + "::oid AND ctid = '" + row.ctid() + "'::tid";
            List<String> updatable = new ArrayList<>();
            for (ProbeColumns.Column col : columns) {
                if (!col.settable()) {
                    continue;
                }
                String value = ProbeColumns.value(col, t.schema(), t.name(), tag, 1, given).orElse(col.sql());
                refused("UPDATE " + t.relation() + " AS p SET " + col.sql() + " = " + value + where, t, where, row)
                        .ifPresent(how -> updatable.add(col.name() + how));
            }
            if (!updatable.isEmpty()) {
                findings.add(new Finding(t.relation(), Severity.FAIL, "UPDATE of " + t.relation() + " was allowed ("
                        + String.join(", ", updatable) + ")"));
            }
            refused("DELETE FROM " + t.relation() + " AS p" + where, t, where, row).ifPresent(how -> findings.add(
                    new Finding(t.relation(), Severity.FAIL, "DELETE from " + t.relation() + " was allowed" + how)));
            refused("TRUNCATE " + t.relation(), t, where, row).ifPresent(how -> findings.add(
                    new Finding(t.relation(), Severity.FAIL, "TRUNCATE of " + t.relation() + " was allowed" + how)));
        });
        return findings;
    }

    /**
     * The refusals alone, for a table the role may not INSERT into: with no row of its own to change, an UPDATE or
     * DELETE that matches nothing still passes or fails the privilege check.
     */
    private void refusedWithoutRow(AuditObjects.AuditTable t, List<ProbeColumns.Column> columns,
                                   List<Finding> findings) throws SQLException {
        Row none = new Row(0, "(0,0)", null);
        String where = " WHERE false";
        List<String> updatable = new ArrayList<>();
        for (ProbeColumns.Column col : columns) {
            if (col.settable()) {
                refused("UPDATE " + t.relation() + " AS p SET " + col.sql() + " = " + col.sql() + where, t, where,
                        none).ifPresent(how -> updatable.add(col.name() + how));
            }
        }
        if (!updatable.isEmpty()) {
            findings.add(new Finding(t.relation(), Severity.FAIL, "UPDATE of " + t.relation() + " passed the"
                    + " privilege check (" + String.join(", ", updatable) + ")"));
        }
        refused("DELETE FROM " + t.relation() + " AS p" + where, t, where, none).ifPresent(how -> findings.add(
                new Finding(t.relation(), Severity.FAIL, "DELETE from " + t.relation() + " passed the privilege check"
                        + how)));
        refused("TRUNCATE " + t.relation(), t, where, none).ifPresent(how -> findings.add(
                new Finding(t.relation(), Severity.FAIL, "TRUNCATE of " + t.relation() + " was allowed" + how)));
    }

    /**
     * Runs a write the role must not be able to make, and rolls it back. Empty when it was refused (for privileges,
     * or by a trigger that raised) or changed nothing; else how it got through.
     */
    private Optional<String> refused(String sql, AuditObjects.AuditTable t, String where, Row row)
            throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            int count = execute(sql);
            if (row.image() == null) {
                // No row to change: getting past the privilege check is what a refusal would have stopped.
                return Optional.of("");
            }
            String now = readRow(t.relation(), where);
            if (count > 0 || !row.image().equals(now)) {
                return Optional.of("");
            }
            return Optional.empty();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("42501") || state.startsWith("P0")) {
                return Optional.empty();
            }
            // Past the privilege check: a constraint, a lock or a foreign key stopped only this attempt.
            return Optional.of(" [past the privilege check, only this attempt failed: " + oneLine(e) + "]");
        } finally {
            c.rollback(sp);
        }
    }

    private Finding refusedInsert(AuditObjects.AuditTable t, SQLException e) throws SQLException {
        String relation = t.relation();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("42501")) {
            if (privilege(t.oid(), "INSERT")) {
                return new Finding(relation, Severity.CANNOT_RUN, "the probe reads back the row it INSERTs into "
                        + relation + ", and " + role + " may not read it: " + oneLine(e) + " (audit-table-grants:"
                        + " SELECT missing)");
            }
            return new Finding(relation, Severity.FAIL, role + " may not INSERT into " + relation + ": "
                    + oneLine(e));
        }
        if (state.startsWith("P0")) {
            return new Finding(relation, Severity.NOTE, "a trigger refuses direct INSERTs into " + relation + " ("
                    + oneLine(e) + "): only capture writes it");
        }
        return new Finding(relation, Severity.CANNOT_RUN, "INSERT INTO " + relation + " failed: " + oneLine(e)
                + "; give the columns values the table accepts with --probe-value");
    }

    // --- source tables -----------------------------------------------------------------------------------------

    List<Finding> sourceTable(AuditObjects.SourceTable s) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        boolean mayInsert = privilege(s.oid(), "INSERT");
        boolean mayUpdate = privilege(s.oid(), "UPDATE");
        boolean mayDelete = privilege(s.oid(), "DELETE");
        if (!mayInsert) {
            if (mayUpdate || mayDelete) {
                findings.add(new Finding(s.relation(), Severity.CANNOT_RUN, role + " may UPDATE or DELETE "
                        + s.relation() + " but not INSERT into it, so the probe has no row of its own to change"));
            } else {
                unwritten.add(s.relation());
            }
            return findings;
        }
        List<ProbeColumns.Column> columns = ProbeColumns.of(c, s.oid(), role);
        List<Long> history = s.history();
        inTransaction(() -> {
            HistoryReader reader = new HistoryReader(history);
            Map<Long, Long> before = inserted();
            String insert;
            try {
                insert = insertStatement(s.schema(), s.name(), s.relation(), columns);
            } catch (CannotRunException e) {
                findings.add(new Finding(s.relation(), Severity.CANNOT_RUN, e.getMessage()));
                return;
            }
            Row row;
            try {
                row = returning(insert + " RETURNING tableoid, ctid::text, to_jsonb(p)");
            } catch (SQLException e) {
                if ("0A000".equals(e.getSQLState())) {
                    findings.add(new Finding(s.relation(), Severity.FAIL, "a DO INSTEAD rule rewrites INSERT INTO "
                            + s.relation() + " (" + oneLine(e) + ")"));
                } else if ("42501".equals(e.getSQLState()) && privilege(s.oid(), "SELECT")) {
                    // The role may INSERT and read the table: what refused it is on capture's way (the history
                    // table's grant, a sequence), so the application's writes fail too.
                    findings.add(new Finding(s.relation(), Severity.FAIL, "INSERT into " + s.relation() + " failed: "
                            + oneLine(e)));
                } else if ("42501".equals(e.getSQLState())) {
                    findings.add(new Finding(s.relation(), Severity.CANNOT_RUN, "INSERT INTO " + s.relation()
                            + " failed: " + oneLine(e) + " (the probe reads its row back: " + role
                            + " needs SELECT on it)"));
                } else {
                    findings.add(new Finding(s.relation(), Severity.CANNOT_RUN, "INSERT INTO " + s.relation()
                            + " failed: " + oneLine(e) + "; give the columns values the table accepts with"
                            + " --probe-value"));
                }
                return;
            }
            if (row == null) {
                findings.add(new Finding(s.relation(), Severity.FAIL, "INSERT INTO " + s.relation() + " wrote no row"
                        + " (a trigger or rule stopped it)"));
                return;
            }
            captured(s, "INSERT into " + s.relation(), "INSERT", row.image(), reader, before, findings);
            if (mayUpdate) {
                int updated = 0;
                for (ProbeColumns.Column col : columns) {
                    if (!col.settable() || col.primaryKey() || !col.updatable()) {
                        continue;
                    }
                    String value = col.foreignKey() != null || col.compositeKey() ? col.sql()
                            : ProbeColumns.value(col, s.schema(), s.name(), tag, 1, given).orElse(col.sql());
                    before = inserted();
                    Row next;
                    try {
                        next = returning("UPDATE " + s.relation() + " AS p SET " + col.sql() + " = " + value
                                + " WHERE tableoid = " + row.tableOid() + "::oid AND ctid = '" + row.ctid()
                                + "'::tid RETURNING tableoid, ctid::text, to_jsonb(p)");
                    } catch (SQLException e) {
                        findings.add(new Finding(s.relation(), "0A000".equals(e.getSQLState()) ? Severity.FAIL
                                : Severity.CANNOT_RUN, "UPDATE of " + col.name() + " in " + s.relation() + " failed: "
                                + oneLine(e)));
                        return;
                    }
                    if (next == null) {
                        findings.add(new Finding(s.relation(), Severity.FAIL, "UPDATE of " + col.name() + " in "
                                + s.relation() + " changed no row (a trigger or rule stopped it)"));
                        return;
                    }
                    captured(s, "UPDATE of " + col.name() + " in " + s.relation(), "UPDATE", next.image(), reader, before,
                            findings);
                    row = next;
                    updated++;
                }
                if (updated == 0) {
                    findings.add(new Finding(s.relation(), Severity.NOTE, role + " may UPDATE no column of "
                            + s.relation() + " but its key"));
                }
            }
            if (mayDelete) {
                before = inserted();
                Row gone;
                try {
                    gone = returning("DELETE FROM " + s.relation() + " AS p WHERE tableoid = " + row.tableOid()
                            + "::oid AND ctid = '" + row.ctid() + "'::tid RETURNING tableoid, ctid::text, to_jsonb(p)");
                } catch (SQLException e) {
                    findings.add(new Finding(s.relation(), "0A000".equals(e.getSQLState()) ? Severity.FAIL
                            : Severity.CANNOT_RUN, "DELETE from " + s.relation() + " failed: " + oneLine(e)));
                    return;
                }
                if (gone == null) {
                    findings.add(new Finding(s.relation(), Severity.FAIL, "DELETE from " + s.relation()
                            + " removed no row (a trigger or rule stopped it)"));
                    return;
                }
                captured(s, "DELETE from " + s.relation(), "DELETE", gone.image(), reader, before, findings);
            }
        });
        return findings;
    }

    /** After one write to a source table: a new history row with the operation and the row image, or a finding. */
    private void captured(AuditObjects.SourceTable s, String what, String operation, String image,
                          HistoryReader reader, Map<Long, Long> before, List<Finding> findings) throws SQLException {
        List<HistoryRow> rows = reader.newRows();
        String history = String.join(", ", s.history().stream().map(audit::relation).toList());
        if (rows.isEmpty()) {
            findings.add(new Finding(s.relation(), Severity.FAIL, what + " left no row in "
                    + (history.isEmpty() ? "any history table" : history) + elsewhere(before, s)));
            return;
        }
        JsonNode expected = parse(image);
        boolean operationSeen = false;
        boolean imageSeen = false;
        for (HistoryRow r : rows) {
            JsonNode content = parse(r.content());
            boolean op = holdsText(content, operation);
            boolean img = contains(content, expected);
            operationSeen |= op;
            imageSeen |= op && img;
        }
        String where = rows.get(0).relation();
        if (!operationSeen) {
            findings.add(new Finding(s.relation(), Severity.FAIL, what + " left "
                    + rows.size() + " row(s) in " + where + ", none saying " + operation + ": " + abbreviate(rows)));
        } else if (!imageSeen) {
            findings.add(new Finding(s.relation(), Severity.FAIL, what + " left a row in "
                    + where + " without the row " + (operation.equals("DELETE") ? "as it was" : "as written")
                    + " (" + abbreviate(image) + "): " + abbreviate(rows)));
        } else if (rows.size() > 1) {
            findings.add(new Finding(s.relation(), Severity.NOTE, what + " left " + rows.size()
                    + " rows in " + where));
        }
    }

    /**
     * Reads the history rows this transaction wrote ({@code age(xmin) <= 0}), and returns those not returned before,
     * without reading a large history table whole: where it has a key drawn from a sequence (the reference tables'
     * {@code history_id bigserial}), only keys above the largest there was before the probe, which its index finds;
     * else, for a plain table, from the page that was its last (new rows go to the end unless the free space map knows
     * of room before). When that finds fewer rows than the transaction's own statistics say it wrote, it reads the
     * whole table.
     */
    private final class HistoryReader {
        private final List<Long> tables;
        private final Map<Long, String> narrowing = new HashMap<>();
        private final Set<String> seen = new HashSet<>();

        HistoryReader(List<Long> tables) throws SQLException {
            this.tables = tables;
            for (long t : tables) {
                String key = sequenceKey(t);
                if (key != null) {
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT max(" + key + ")::text FROM " + relation(t))) {
                        rs.next();
                        narrowing.put(t, rs.getString(1) == null ? "h." + key + " IS NOT NULL"
                                : "h." + key + " > " + ProbeColumns.literal(rs.getString(1)));
                    }
                } else if (audit.withDescendants(t).size() == 1
                        && !audit.auditTable(t).map(AuditObjects.AuditTable::partitioned).orElse(false)) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT greatest(pg_relation_size(?::oid)"
                            + " / current_setting('block_size')::bigint - 1, 0)")) {
                        ps.setLong(1, t);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            narrowing.put(t, "h.ctid >= '(" + rs.getLong(1) + ",0)'::tid");
                        }
                    }
                }
            }
        }

        /** The table's single-column primary key when its default draws from a sequence; else null. */
        private String sequenceKey(long table) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT a.attname FROM pg_index i
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE i.indrelid = ?::oid AND i.indisprimary AND i.indnkeyatts = 1
                      AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'
                    UNION ALL
                    SELECT a.attname FROM pg_index i
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = ?::oid AND i.indisprimary AND i.indnkeyatts = 1 AND a.attidentity <> ''
                    LIMIT 1""")) {
                ps.setLong(1, table);
                ps.setLong(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? SqlIdentifier.displayName(rs.getString(1)) : null;
                }
            }
        }

        List<HistoryRow> newRows() throws SQLException {
            Map<Long, Long> written = inserted();
            List<HistoryRow> rows = new ArrayList<>();
            for (long t : tables) {
                long expected = audit.withDescendants(t).stream().mapToLong(o -> written.getOrDefault(o, 0L)).sum();
                List<HistoryRow> found = read(t, narrowing.get(t));
                if (found.size() < expected && narrowing.containsKey(t)) {
                    found = read(t, null);
                }
                for (HistoryRow r : found) {
                    if (seen.add(r.relation() + "/" + r.ctid())) {
                        rows.add(r);
                    }
                }
            }
            return rows;
        }

        private List<HistoryRow> read(long table, String narrowed) throws SQLException {
            List<HistoryRow> rows = new ArrayList<>();
            String sql = "SELECT h.tableoid::regclass::text, h.ctid::text, to_jsonb(h) FROM " + relation(table)
                    + " AS h WHERE " + (narrowed == null ? "" : narrowed + " AND ") + "age(h.xmin) <= 0";
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    rows.add(new HistoryRow(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return rows;
        }
    }

    private record HistoryRow(String relation, String ctid, String content) {
    }

    // --- statements ----------------------------------------------------------------------------------------------

    private static final class CannotRunException extends Exception {
        CannotRunException(String message) {
            super(message);
        }
    }

    /** {@code INSERT INTO t AS p (required columns) VALUES (values)}, or why the probe cannot write a row. */
    private String insertStatement(String schema, String name, String relation, List<ProbeColumns.Column> columns)
            throws CannotRunException {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ProbeColumns.Column col : columns) {
            boolean configured = ProbeValues.lookup(given, schema, name, col.name()) != null;
            if (!col.required() && !configured) {
                continue;
            }
            Optional<String> v = ProbeColumns.value(col, schema, name, tag, 0, given);
            if (v.isEmpty()) {
                missing.add(col.name() + " (" + col.type() + (col.compositeKey() ? ", part of a foreign key" : "")
                        + ")");
                continue;
            }
            names.add(col.sql());
            values.add(v.get());
        }
        if (!missing.isEmpty()) {
            throw new CannotRunException("the probe cannot make up a value for " + String.join(", ", missing)
                    + " of " + relation + ": give one with --probe-value " + schema + "." + name + "."
                    + missing.get(0).substring(0, missing.get(0).indexOf(' ')) + "=VALUE");
        }
        return names.isEmpty() ? "INSERT INTO " + relation + " AS p DEFAULT VALUES"
                : "INSERT INTO " + relation + " AS p (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", values) + ")";
    }

    private record Row(long tableOid, String ctid, String image) {
    }

    /** Runs a statement with RETURNING tableoid, ctid, to_jsonb(p); null when it returned no row. */
    private Row returning(String sql) throws SQLException {
        statements++;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(comment + sql)) {
            return rs.next() ? new Row(rs.getLong(1), rs.getString(2), rs.getString(3)) : null;
        }
    }

    private int execute(String sql) throws SQLException {
        statements++;
        try (Statement st = c.createStatement()) {
            st.execute(comment + sql);
            return Math.max(st.getUpdateCount(), 0);
        }
    }

    /** The row at that address, as JSON; null when it is gone. */
    private String readRow(String relation, String where) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_jsonb(p) FROM " + relation + " AS p" + where)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private boolean privilege(long table, String privilege) throws SQLException {
        // A grant on some columns is enough to write them: ask for any column, as a write would need.
        String function = privilege.equals("DELETE") || privilege.equals("TRUNCATE") ? "has_table_privilege"
                : "has_any_column_privilege";
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, ?::oid, ?)")) {
            ps.setString(1, role);
            ps.setLong(2, table);
            ps.setString(3, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Rows this transaction has inserted so far, by table (the transaction's own statistics). */
    private Map<Long, Long> inserted() throws SQLException {
        Map<Long, Long> counts = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT relid, n_tup_ins FROM pg_stat_xact_user_tables"
                     + " WHERE n_tup_ins > 0")) {
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Where the rows of the last write went, when not into the audit table: " (1 row went to x instead)". */
    private String landed(Map<Long, Long> before, AuditObjects.AuditTable t) throws SQLException {
        Map<Long, Long> after = inserted();
        List<String> places = new ArrayList<>();
        long inTable = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (n <= 0) {
                continue;
            }
            if (audit.withDescendants(t.oid()).contains(e.getKey())) {
                inTable += n;
            } else {
                places.add(n + " row" + (n == 1 ? "" : "s") + " into " + relation(e.getKey()));
            }
        }
        String rows = inTable == 0 ? "; no row landed in it" : "; " + inTable + " row(s) landed in it";
        return rows + (places.isEmpty() ? "" : "; it wrote " + String.join(", ", places) + " instead");
    }

    /** " (it wrote 1 row into x)" for rows a source table's write put outside its history tables. */
    private String elsewhere(Map<Long, Long> before, AuditObjects.SourceTable s) throws SQLException {
        Map<Long, Long> after = inserted();
        List<String> places = new ArrayList<>();
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            boolean ownTable = audit.withDescendants(s.oid()).contains(e.getKey()) || e.getKey() == s.oid();
            if (n > 0 && !ownTable) {
                places.add(n + " row" + (n == 1 ? "" : "s") + " into " + relation(e.getKey()));
            }
        }
        return places.isEmpty() ? "" : " (it wrote " + String.join(", ", places) + " instead)";
    }

    private String relation(long oid) throws SQLException {
        return AuditObjects.relationName(c, oid);
    }

    // --- the transaction -----------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    /** Runs work in a REPEATABLE READ transaction as the role, and rolls it back whatever happens. */
    private void inTransaction(Work work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = '10s'");
                st.execute("SET LOCAL lock_timeout = '1s'");
                if (setRole) {
                    st.execute("SET LOCAL ROLE " + SqlIdentifier.displayName(role));
                }
                st.execute("SET LOCAL search_path = " + searchPath);
            }
            work.run();
        } finally {
            try {
                c.rollback();
            } finally {
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
        }
    }

    // --- reading rows --------------------------------------------------------------------------------------------

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    /** Whether a text value anywhere in the row is the operation (as TG_OP writes it, in any case). */
    static boolean holdsText(JsonNode node, String operation) {
        if (node.isTextual()) {
            String text = node.asText().strip();
            if (text.equalsIgnoreCase(operation)) {
                return true;
            }
            JsonNode embedded = embedded(text);
            return embedded != null && holdsText(embedded, operation);
        }
        for (JsonNode child : node) {
            if (holdsText(child, operation)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the row holds the image: an object anywhere in it (the row itself, when the history table mirrors the
     * columns; a {@code jsonb} column holding {@code to_jsonb(NEW)}; a text column holding that JSON) that has every
     * field of the image with the same value.
     */
    static boolean contains(JsonNode node, JsonNode image) {
        if (node.isObject() && image.isObject() && holdsAll(node, image)) {
            return true;
        }
        if (node.isTextual()) {
            JsonNode embedded = embedded(node.asText());
            return embedded != null && contains(embedded, image);
        }
        for (JsonNode child : node) {
            if (contains(child, image)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsAll(JsonNode node, JsonNode image) {
        for (Map.Entry<String, JsonNode> field : image.properties()) {
            JsonNode value = node.get(field.getKey());
            if (value == null || !same(value, field.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static JsonNode embedded(String text) {
        String t = text.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            return null;
        }
        try {
            return JSON.readTree(t);
        } catch (Exception e) {
            return null;
        }
    }

    private static String abbreviate(List<HistoryRow> rows) {
        return abbreviate(String.join(" ", rows.stream().map(HistoryRow::content).toList()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }

    /** The server's message, first line, without the driver's "ERROR: ". */
    static String oneLine(SQLException e) {
        String line = RoleSession.oneLine(e.getMessage());
        return line.startsWith("ERROR: ") ? line.substring(7) : line;
    }
}
