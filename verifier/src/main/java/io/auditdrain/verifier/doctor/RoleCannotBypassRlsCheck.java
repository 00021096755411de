package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Where row-level security guards an audit, history or source table ({@code pg_class.relrowsecurity}), neither the
 * role nor a role it can become has {@code BYPASSRLS}, which ignores every policy. Without row-level security on
 * those tables the attribute changes nothing, and the check passes.
 */
public final class RoleCannotBypassRlsCheck extends RoleCheck {

    @Override
    public String name() {
        return "role-cannot-bypass-rls";
    }

    @Override
    public String description() {
        return "no BYPASSRLS for the role where row-level security guards the audit, history or source tables";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        List<Long> oids = new ArrayList<>(ctx.audit().auditTables().stream().map(AuditObjects.AuditTable::oid)
                .toList());
        ctx.audit().sourceTables().forEach(t -> oids.add(t.oid()));
        List<String> guarded = new ArrayList<>();
        try (PreparedStatement ps = ctx.session().connection().prepareStatement("""
                SELECT DISTINCT c.oid::regclass::text FROM pg_class c
                WHERE c.oid = ANY (?::bigint[]::oid[]) AND c.relrowsecurity ORDER BY 1""")) {
            ps.setArray(1, ctx.session().connection().createArrayOf("int8", oids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    guarded.add(rs.getString(1));
                }
            }
        }
        List<String> bypassing = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        for (RoleReach.Member m : reach.ordinary()) {
            if (m.bypassRls()) {
                bypassing.add(m.isSelf() ? role : m.name() + m.through());
                String alter = "ALTER ROLE " + SqlIdentifier.role(m.name()).display() + " NOBYPASSRLS;";
                remedies.add(m.isSelf() ? alter : alter + " (or " + m.revokeRemedy() + ")");
            }
        }
        if (guarded.isEmpty()) {
            return CheckResult.pass(name(), "no row-level security on the audit, history or source tables"
                    + (bypassing.isEmpty() ? "" : ": BYPASSRLS (" + String.join(", ", bypassing)
                    + ") changes nothing there"));
        }
        if (!bypassing.isEmpty()) {
            return CheckResult.fail(name(), "row-level security guards " + String.join(", ", guarded) + ", and "
                    + String.join(", ", bypassing) + (bypassing.size() == 1 ? " has" : " have")
                    + " BYPASSRLS, which ignores every policy", String.join(" ", remedies));
        }
        return CheckResult.pass(name(), "row-level security guards " + String.join(", ", guarded) + "; " + role
                + " cannot bypass it");
    }
}
