package io.auditdrain.verifier.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No TRUNCATE or TRIGGER on a table a history trigger hangs on, for the role or any role it can become, granted or
 * carried by a predefined role. TRUNCATE fires no row trigger, so the rows go without a history row; TRIGGER lets the
 * role plant a trigger whose function then runs as whoever writes the table next (the owner in a migration, a role
 * that may rewrite history), with that role's privileges. The application's usual DML on these tables is fine.
 */
public final class SourceTableGrantsCheck extends RoleCheck {

    private static final Map<String, String> WHY = Map.of(
            "TRUNCATE", "TRUNCATE fires no row trigger: the rows go without a history row",
            "TRIGGER", "TRIGGER lets it add a trigger that runs as whoever writes the table next");

    @Override
    public String name() {
        return "source-table-grants";
    }

    @Override
    public String description() {
        return "no TRUNCATE or TRIGGER on the tables the history triggers hang on";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        CaptureObjects capture = ctx.captureObjects();
        List<String> failures = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        int judged = 0;
        for (CaptureObjects.Table t : capture.sourceTables()) {
            if (t.ownedWithinReach()) {
                continue; // role-owns-no-capture-object fails it
            }
            TableFacts facts = TableFacts.inspect(ctx.session().connection(), reach, t.oid());
            judged++;
            for (String privilege : WHY.keySet().stream().sorted().toList()) {
                for (TableFacts.Grant g : facts.grants()) {
                    if (g.privilege().equals(privilege)) {
                        String via = g.grantee().equals(role) ? "" : g.grantee().equals("PUBLIC") ? " (to PUBLIC)"
                                : " (through role " + g.grantee() + ")";
                        failures.add(facts.relation() + ": " + privilege + " granted" + via + "; "
                                + WHY.get(privilege));
                        remedies.add("REVOKE " + privilege + " ON TABLE " + facts.sqlName() + " FROM "
                                + AuditTableGrantsCheck.granteeSql(g.grantee()) + ";");
                    }
                }
                for (TableFacts.Held h : facts.beyondGrants()) {
                    if (h.privilege().equals(privilege)) {
                        failures.add(facts.relation() + ": " + AuditTableGrantsCheck.describe(h, role) + "; "
                                + WHY.get(privilege));
                        remedies.add(AuditTableGrantsCheck.remedy(h, facts));
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", failures),
                    String.join(" ", remedies.stream().distinct().toList()));
        }
        return CheckResult.pass(name(), role + " has neither TRUNCATE nor TRIGGER on the " + judged
                + " source tables (" + String.join(", ", capture.sourceTables().stream()
                .map(CaptureObjects.Table::name).toList()) + ")");
    }
}
