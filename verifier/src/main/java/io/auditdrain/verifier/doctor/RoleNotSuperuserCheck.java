package io.auditdrain.verifier.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The role is no superuser and cannot become one: a superuser ignores every grant and can disable the history
 * triggers (issue: app role non-owner). Two predefined roles are as good as a superuser: their members run programs
 * ({@code pg_execute_server_program}) or write files ({@code pg_write_server_files}) as the server's operating-system
 * user, and so can rewrite its configuration or its data.
 */
public final class RoleNotSuperuserCheck extends RoleCheck {

    static final Set<String> SUPERUSER_EQUIVALENT = Set.of("pg_execute_server_program", "pg_write_server_files");

    @Override
    public String name() {
        return "role-not-superuser";
    }

    @Override
    public String description() {
        return "the role is not a superuser and cannot become one";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        if (reach.roles().get(0).superuser()) {
            return CheckResult.fail(name(), role + " is a superuser: grants do not limit it, and it can disable the"
                    + " history triggers", "ALTER ROLE " + ctx.role().display() + " NOSUPERUSER;");
        }
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        for (RoleReach.Member m : reach.roles()) {
            if (m.isSelf()) {
                continue;
            }
            if (m.superuser()) {
                problems.add(role + " can SET ROLE to the superuser " + m.name() + m.through());
                remedies.add(m.revokeRemedy());
            } else if (SUPERUSER_EQUIVALENT.contains(m.name())) {
                problems.add(role + " is a member of " + m.name() + m.through() + ", which acts as the server's"
                        + " operating-system user");
                remedies.add(m.revokeRemedy());
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", problems), String.join(" ", remedies));
        }
        return CheckResult.pass(name(), role + " is not a superuser and belongs to no superuser role");
    }
}
