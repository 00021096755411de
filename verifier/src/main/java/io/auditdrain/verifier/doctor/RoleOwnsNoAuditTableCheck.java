package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The role owns none of the audit tables (nor their schema): an owner can disable or drop the history triggers and
 * grant itself anything, so every REVOKE would be paper only (RCA: owner privilege voids append-only). The audit tables
 * are those {@link AuditObjects} found, partitions and inheritance children included: the owner of a partition may
 * delete the rows it holds, however the parent is granted.
 */
public final class RoleOwnsNoAuditTableCheck extends RoleCheck {

    @Override
    public String name() {
        return "role-owns-no-audit-table";
    }

    @Override
    public String description() {
        return "the role owns none of the audit tables, directly or through a role it belongs to";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        int present = 0;
        for (AuditObjects.AuditTable table : ctx.audit().auditTables()) {
            TableFacts facts = TableFacts.inspect(ctx.session().connection(), reach, table.oid());
            if (!facts.exists()) {
                continue;
            }
            present++;
            String child = table.parentOid() == 0 ? "" : " (" + table.foundBy().get(table.foundBy().size() - 1)
                    + ": " + role + " can delete its rows)";
            if (facts.ownedByRole()) {
                if (facts.owner().equals(role)) {
                    problems.add(facts.relation() + " is owned by " + role + child);
                    remedies.add("ALTER TABLE " + facts.sqlName() + " OWNER TO " + ctx.ownerForRemedy() + ";");
                } else {
                    problems.add(facts.relation() + " is owned by " + facts.owner() + ", which " + role
                            + " is a member of" + child);
                    remedies.add(RoleOwnsNoCaptureObjectCheck.ownerRemedy("", facts.owner(), reach, ctx));
                }
            }
            if (facts.schemaOwnedByRole()) {
                if (facts.schemaOwner().equals("pg_database_owner")) {
                    problems.add(role + " owns the database, and so the schema " + facts.schema() + " of "
                            + facts.relation() + ": it can drop the table");
                    remedies.add("ALTER DATABASE " + SqlIdentifier.role(ctx.session().database()).display()
                            + " OWNER TO " + ctx.ownerForRemedy() + ";");
                } else {
                    problems.add(role + " owns (or is a member of the owner of) the schema " + facts.schema()
                            + " of " + facts.relation() + ": it can drop the table");
                    remedies.add("ALTER SCHEMA " + SqlIdentifier.role(facts.schema()).display() + " OWNER TO "
                            + ctx.ownerForRemedy() + ";");
                }
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", problems),
                    String.join(" ", remedies.stream().distinct().toList()));
        }
        return CheckResult.pass(name(), role + " owns none of the " + present + " audit tables present");
    }
}
