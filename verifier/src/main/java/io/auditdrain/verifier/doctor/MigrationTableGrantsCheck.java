package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Grant matrix, Block A: no privilege at all on the migration tables, so that a compromised session cannot stamp
 * a migration as applied (runbook: postgres roles). Tables that do not exist are fine.
 */
public final class MigrationTableGrantsCheck extends RoleCheck {

    @Override
    public String name() {
        return "migration-table-grants";
    }

    @Override
    public String description() {
        return "no privilege on the migration tables";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        List<String> present = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        for (SqlIdentifier table : ctx.migrationTables()) {
            TableFacts facts = TableFacts.inspect(ctx.session().connection(), reach, table);
            if (!facts.exists()) {
                continue;
            }
            present.add(facts.relation());
            if (facts.ownedByRole()) {
                failures.add(facts.relation() + " is owned by " + facts.owner()
                        + (facts.owner().equals(role) ? "" : ", which " + role + " is a member of"));
                remedies.add("ALTER TABLE " + facts.sqlName() + " OWNER TO " + ctx.ownerForRemedy() + ";");
                continue;
            }
            Set<String> grantees = new LinkedHashSet<>();
            Set<String> privileges = new LinkedHashSet<>();
            for (TableFacts.Grant g : facts.grants()) {
                grantees.add(g.grantee());
                privileges.add(g.privilege() + (g.column() == null ? "" : " (" + g.column() + ")"));
            }
            if (!privileges.isEmpty()) {
                failures.add(facts.relation() + ": " + String.join(", ", privileges) + " granted"
                        + (grantees.equals(Set.of(role)) ? "" : " to " + String.join(", ", grantees)));
                for (String grantee : grantees) {
                    remedies.add("REVOKE ALL ON TABLE " + facts.sqlName() + " FROM "
                            + AuditTableGrantsCheck.granteeSql(grantee) + ";");
                }
            }
            for (TableFacts.Held h : facts.beyondGrants()) {
                failures.add(facts.relation() + ": " + AuditTableGrantsCheck.describe(h, role));
                remedies.add(AuditTableGrantsCheck.remedy(h, facts));
            }
        }
        if (!failures.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", failures), String.join(" ", remedies));
        }
        if (present.isEmpty()) {
            return CheckResult.pass(name(), "no migration table present (looked for "
                    + String.join(", ", ctx.migrationTables().stream()
                    .map(t -> t.inPublicUnlessQualified().display()).toList()) + ")");
        }
        return CheckResult.pass(name(), role + " has no privilege on " + String.join(", ", present));
    }
}
