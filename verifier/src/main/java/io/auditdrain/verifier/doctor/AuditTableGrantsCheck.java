package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grant matrix, Block C: exactly INSERT and SELECT on every audit and history table, nothing else (no UPDATE,
 * DELETE, TRUNCATE, REFERENCES or TRIGGER, not even on one column). Privileges through PUBLIC or another role count,
 * and so do those no grant on the table shows: the privilege system is asked for each role within reach, which finds
 * a predefined role such as {@code pg_write_all_data}. A table the role owns cannot be judged by its grants: that is
 * {@link RoleOwnsNoAuditTableCheck}'s failure.
 */
public final class AuditTableGrantsCheck extends RoleCheck {

    private static final Set<String> EXPECTED = Set.of("INSERT", "SELECT");

    @Override
    public String name() {
        return "audit-table-grants";
    }

    @Override
    public String description() {
        return "exactly INSERT and SELECT on each audit and history table";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        String roleSql = ctx.role().display();
        List<String> failures = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        List<String> notJudged = new ArrayList<>();
        for (String missing : ctx.audit().missingNamed()) {
            if (missing.endsWith("(--audit-tables) does not exist")) {
                failures.add(missing);
                remedies.add("apply the schema migrations (reference: db/migrations/002_audit_tables.sql), or correct"
                        + " --audit-tables (a name without a schema is public's)");
            }
        }
        for (AuditObjects.AuditTable table : ctx.audit().auditTables()) {
            TableFacts facts = TableFacts.inspect(ctx.session().connection(), reach, table.oid());
            if (!facts.exists()) {
                continue; // dropped since it was found
            }
            if (facts.ownedByRole()) {
                notJudged.add(facts.relation());
                continue;
            }
            Set<String> held = new LinkedHashSet<>();
            Map<String, Set<String>> extraByGrantee = new LinkedHashMap<>();
            for (TableFacts.Grant g : facts.grants()) {
                if (g.column() == null) {
                    held.add(g.privilege());
                    if (!EXPECTED.contains(g.privilege())) {
                        extraByGrantee.computeIfAbsent(g.grantee(), k -> new LinkedHashSet<>()).add(g.privilege());
                    }
                } else if (!EXPECTED.contains(g.privilege())) {
                    failures.add(facts.relation() + ": " + g.privilege() + " (" + g.column() + ") granted to "
                            + g.grantee());
                    remedies.add("REVOKE " + g.privilege() + " (" + SqlIdentifier.role(g.column()).display()
                            + ") ON TABLE " + facts.sqlName() + " FROM " + granteeSql(g.grantee()) + ";");
                }
            }
            for (Map.Entry<String, Set<String>> e : extraByGrantee.entrySet()) {
                String via = e.getKey().equals(role) ? "" : e.getKey().equals("PUBLIC") ? " (to PUBLIC)"
                        : " (through role " + e.getKey() + ")";
                failures.add(facts.relation() + ": " + String.join(", ", e.getValue()) + " granted" + via);
                remedies.add("REVOKE " + String.join(", ", e.getValue()) + " ON TABLE " + facts.sqlName() + " FROM "
                        + granteeSql(e.getKey()) + ";");
            }
            for (TableFacts.Held h : facts.beyondGrants()) {
                if (!EXPECTED.contains(h.privilege())) {
                    failures.add(facts.relation() + ": " + describe(h, role));
                    remedies.add(remedy(h, facts));
                }
            }
            facts.held().stream().filter(h -> h.holder().isSelf() && !h.columnsOnly())
                    .forEach(h -> held.add(h.privilege()));
            List<String> missing = EXPECTED.stream().filter(p -> !held.contains(p)).sorted().toList();
            if (!missing.isEmpty() && expectsBoth(table, held)) {
                failures.add(facts.relation() + ": " + String.join(" and ", missing) + " missing");
                remedies.add("GRANT " + String.join(", ", missing) + " ON TABLE " + facts.sqlName() + " TO " + roleSql
                        + ";");
            }
        }
        String note = notJudged.isEmpty() ? "" : "; not judged, owned by " + role + " (see role-owns-no-audit-table): "
                + String.join(", ", notJudged);
        if (!failures.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", failures) + note,
                    String.join(" ", remedies.stream().distinct().toList()));
        }
        int judged = ctx.audit().auditTables().size() - notJudged.size();
        String detail = role + " has exactly INSERT and SELECT on " + judged + " audit tables" + note;
        return notJudged.isEmpty() ? CheckResult.pass(name(), detail)
                : CheckResult.warn(name(), detail, "see role-owns-no-audit-table");
    }

    /**
     * Whether INSERT and SELECT must both be there: on a table named as an audit table (or the tracer's), and on any
     * other that has one of them. A partition or child is reached through its parent, and a history table the role
     * holds nothing on is written by capture as another role, or not at all: neither lacks anything.
     */
    private static boolean expectsBoth(AuditObjects.AuditTable table, Set<String> held) {
        if (table.parentOid() != 0) {
            return false;
        }
        boolean named = table.foundBy().contains("--audit-tables") || table.foundBy().contains("smoke's tracer table");
        return named || held.stream().anyMatch(EXPECTED::contains);
    }

    /** "UPDATE held through membership in pg_write_all_data", for a privilege no grant on the table explains. */
    static String describe(TableFacts.Held h, String role) {
        String what = h.privilege() + (h.columnsOnly() ? " (on some columns)" : "");
        if (h.holder().isSelf()) {
            return what + " held by " + role + " although no grant on the table gives it";
        }
        return what + " held through membership in " + h.holder().name() + h.holder().through();
    }

    static String remedy(TableFacts.Held h, TableFacts facts) {
        return h.holder().isSelf() ? "find what gives it: SELECT has_table_privilege('" + h.holder().name() + "', '"
                + facts.sqlName() + "', '" + h.privilege() + "'); \\du " + h.holder().name()
                : h.holder().revokeRemedy();
    }

    static String granteeSql(String grantee) {
        return grantee.equals("PUBLIC") ? "PUBLIC" : SqlIdentifier.role(grantee).display();
    }
}
