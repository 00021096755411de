package io.auditdrain.verifier.doctor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Runbook (postgres roles), diagnose step 1: the role exists and can log in. */
public final class RoleCanLogInCheck implements Check {

    @Override
    public String name() {
        return "role-can-log-in";
    }

    @Override
    public String description() {
        return "the restricted role exists and can log in";
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        String role = ctx.role().name();
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT rolcanlogin, rolvaliduntil FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return CheckResult.fail(name(), "role " + role + " does not exist",
                            "heroku pg:credentials:create DATABASE --name " + role + " --app " + ctx.appForRemedy()
                                    + "   (self-hosted: db/migrations/001_roles.sql, then set its password)");
                }
                if (!rs.getBoolean(1)) {
                    return CheckResult.fail(name(), "role " + role + " exists but cannot log in (NOLOGIN)",
                            "ALTER ROLE " + ctx.role().display() + " LOGIN;");
                }
                OffsetDateTime validUntil = rs.getObject(2, OffsetDateTime.class);
                Instant now = ctx.clock().instant();
                if (validUntil != null && validUntil.toInstant().isBefore(now)) {
                    return CheckResult.fail(name(), "the password of " + role + " expired at " + validUntil,
                            "ALTER ROLE " + ctx.role().display() + " VALID UNTIL 'infinity';");
                }
                String how = ctx.sessionIsRole() ? " (this session logged in as it)" : "";
                return CheckResult.pass(name(), role + " exists and can log in" + how);
            }
        }
    }
}
