package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewrite system cannot change what a write to the audit trail does. A rule replaces or adds to a statement before
 * it runs, and its actions run with the privileges of the rule's table owner, not the caller's:
 * <ul>
 *   <li>a rule on an audit, history or source table ({@code ON INSERT TO users_history DO INSTEAD NOTHING}: the
 *       history rows vanish while the trigger fires; {@code ON INSERT ... DO ALSO DELETE FROM ...}: an INSERT, which the
 *       role may do, deletes audit rows with the owner's privileges);</li>
 *   <li>a rule on any table the role may write whose actions name an audit table;</li>
 *   <li>a view over an audit table that the role may UPDATE or DELETE through, owned by a role that may do that to the
 *       table: an automatically updatable view checks its owner's privileges on the table, not the caller's (unless it
 *       is {@code security_invoker}).</li>
 * </ul>
 * Only an owner can create a rule or a view's grant, so each is a migration's mistake or an owner's act: it fails.
 * {@code capture-probe} shows which of them change capture; this check finds those the probe's own writes do not meet.
 */
public final class RewriteRulesCheck extends RoleCheck {

    private static final String[] EVENT = {"", "SELECT", "UPDATE", "INSERT", "DELETE"};

    @Override
    public String name() {
        return "rewrite-rules";
    }

    @Override
    public String description() {
        return "no rule on the audit, history or source tables, and no rule or view lets the role write an audit table"
                + " with its owner's privileges";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        Connection c = ctx.session().connection();
        String role = ctx.role().name();
        List<Long> audit = ctx.audit().auditTables().stream().map(AuditObjects.AuditTable::oid).toList();
        List<Long> watched = new ArrayList<>(audit);
        ctx.audit().sourceTables().forEach(t -> watched.add(t.oid()));
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.rulename, r.ev_class::regclass::text, r.ev_type::text, r.is_instead,
                       r.ev_class = ANY (?::bigint[]::oid[]),
                       (SELECT string_agg(DISTINCT d.refobjid::regclass::text, ', ') FROM pg_depend d
                        WHERE d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
                          AND d.refobjid = ANY (?::bigint[]::oid[])),
                       EXISTS (SELECT 1 FROM unnest(?::bigint[]) m(oid)
                               WHERE has_table_privilege(m.oid::oid, r.ev_class, CASE r.ev_type WHEN '2' THEN 'UPDATE'
                                     WHEN '3' THEN 'INSERT' WHEN '4' THEN 'DELETE' ELSE 'SELECT' END)),
                       pg_get_ruledef(r.oid)
                FROM pg_rewrite r
                WHERE r.rulename <> '_RETURN'
                ORDER BY 2, 1""")) {
            ps.setArray(1, c.createArrayOf("int8", watched.toArray()));
            ps.setArray(2, c.createArrayOf("int8", audit.toArray()));
            ps.setArray(3, c.createArrayOf("int8", reach.ordinaryOids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String rule = rs.getString(1);
                    String table = rs.getString(2);
                    String event = EVENT[Integer.parseInt(rs.getString(3))];
                    String kind = (rs.getBoolean(4) ? "DO INSTEAD" : "DO ALSO") + " rule " + rule + " ON " + event
                            + " TO " + table;
                    String names = rs.getString(6);
                    if (rs.getBoolean(5)) {
                        problems.add(kind + " rewrites writes to the audit trail (" + oneLine(rs.getString(8))
                                + ")");
                        remedies.add("DROP RULE " + SqlIdentifier.displayName(rule) + " ON " + table + ";");
                    } else if (names != null && rs.getBoolean(7)) {
                        problems.add(kind + ", which " + role + " may " + event + ", names " + names + ": its actions"
                                + " run with " + table + "'s owner's privileges (" + oneLine(rs.getString(8)) + ")");
                        remedies.add("DROP RULE " + SqlIdentifier.displayName(rule) + " ON " + table + ";");
                    }
                }
            }
        }
        List<AuditObjects.View> views = ctx.audit().views(c);
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.priv FROM unnest(ARRAY['UPDATE', 'DELETE']) p(priv)
                WHERE EXISTS (SELECT 1 FROM unnest(?::bigint[]) m(oid)
                              WHERE has_table_privilege(m.oid::oid, ?::oid, p.priv))
                  AND has_table_privilege((SELECT relowner FROM pg_class WHERE oid = ?::oid), ?::oid, p.priv)""")) {
            for (AuditObjects.View v : views) {
                if (v.securityInvoker()) {
                    continue;
                }
                ps.setArray(1, c.createArrayOf("int8", reach.ordinaryOids()));
                ps.setLong(2, v.oid());
                ps.setLong(3, v.oid());
                ps.setLong(4, v.baseOid());
                List<String> privileges = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        privileges.add(rs.getString(1));
                    }
                }
                if (!privileges.isEmpty()) {
                    String base = ctx.audit().relation(v.baseOid());
                    problems.add(role + " may " + String.join(" and ", privileges) + " " + v.relation() + ", a view over "
                            + base + " owned by " + v.owner() + ", which may do that to " + base
                            + ": the view checks its owner's privileges, not " + role + "'s");
                    remedies.add("REVOKE " + String.join(", ", privileges) + " ON " + v.relation() + " FROM "
                            + ctx.role().display() + ", PUBLIC;   (or ALTER VIEW " + v.relation()
                            + " SET (security_invoker = true);)");
                }
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", problems),
                    String.join(" ", remedies.stream().distinct().toList()));
        }
        return CheckResult.pass(name(), "no rule on the " + watched.size() + " audit and source tables or naming an"
                + " audit table; " + (views.isEmpty() ? "no view over an audit table"
                : views.size() + " views over audit tables, none writable by " + role + " with its owner's privileges"));
    }

    private static String oneLine(String sql) {
        String flat = sql.replaceAll("\\s+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
