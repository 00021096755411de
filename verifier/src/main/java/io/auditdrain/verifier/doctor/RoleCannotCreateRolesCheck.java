package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Neither the role nor any role it can become has {@code CREATEROLE}. In PostgreSQL 15 such a role can grant any
 * non-superuser role to itself, the owner of the audit tables included, and change other roles' passwords: then it
 * holds the owner's power over the tables and their triggers, and every REVOKE is paper only.
 */
public final class RoleCannotCreateRolesCheck extends RoleCheck {

    @Override
    public String name() {
        return "role-cannot-create-roles";
    }

    @Override
    public String description() {
        return "the role cannot create or grant roles (no CREATEROLE, nor through a role it belongs to)";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        for (RoleReach.Member m : reach.ordinary()) {
            if (!m.createRole()) {
                continue;
            }
            String noCreateRole = "ALTER ROLE " + SqlIdentifier.role(m.name()).display() + " NOCREATEROLE;";
            if (m.isSelf()) {
                problems.add(role + " has CREATEROLE: it can grant itself membership in the owner of the audit"
                        + " tables (or set the owner's password) and then disable their triggers");
                remedies.add(noCreateRole);
            } else {
                problems.add(role + " can SET ROLE to " + m.name() + m.through() + ", which has CREATEROLE");
                remedies.add(noCreateRole + " (or " + m.revokeRemedy() + ")");
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", problems), String.join(" ", remedies));
        }
        return CheckResult.pass(name(), role + " cannot create roles or grant memberships");
    }
}
