package io.auditdrain.verifier.doctor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The role is no superuser and cannot become one: a superuser ignores every grant and can disable the history
 * triggers (issue: app role non-owner).
 */
public final class RoleNotSuperuserCheck implements Check {

    @Override
    public String name() {
        return "role-not-superuser";
    }

    @Override
    public String description() {
        return "the role is not a superuser and cannot become one";
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        if (!ctx.roleExists()) {
            return CheckResult.skip(name(), "the role does not exist");
        }
        String role = ctx.role().name();
        boolean superuser;
        boolean createRole;
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                superuser = rs.getBoolean(1);
                createRole = rs.getBoolean(2);
            }
        }
        if (superuser) {
            return CheckResult.fail(name(), role + " is a superuser: grants do not limit it, and it can disable the"
                    + " history triggers", "ALTER ROLE " + ctx.role().display() + " NOSUPERUSER;");
        }
        List<String> superRoles = new ArrayList<>();
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT rolname FROM pg_roles WHERE rolsuper AND rolname <> ? AND pg_has_role(?, oid, 'MEMBER')"
                        + " ORDER BY 1")) {
            ps.setString(1, role);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    superRoles.add(rs.getString(1));
                }
            }
        }
        if (!superRoles.isEmpty()) {
            return CheckResult.fail(name(), role + " can SET ROLE to the superuser " + String.join(", ", superRoles),
                    "REVOKE " + String.join(", ", superRoles) + " FROM " + ctx.role().display() + ";");
        }
        if (createRole) {
            return CheckResult.warn(name(), role + " is no superuser but has CREATEROLE, which lets it grant itself"
                    + " membership in other roles", "ALTER ROLE " + ctx.role().display() + " NOCREATEROLE;");
        }
        return CheckResult.pass(name(), role + " is not a superuser");
    }
}
