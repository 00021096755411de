package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The role owns nothing that capture runs through: not a table a history trigger hangs on (its owner can
 * {@code ALTER TABLE ... DISABLE TRIGGER}), not a trigger function (its owner can drop it, or with CREATE on its schema
 * {@code CREATE OR REPLACE} it with an empty body while the trigger still shows enabled), not a function those depend
 * on or name in their body, and not
 * the schema of any of them (a schema's owner can drop what is in it). Ownership through a role it belongs to counts.
 * The audit tables and their schemas are {@link RoleOwnsNoAuditTableCheck}'s.
 */
public final class RoleOwnsNoCaptureObjectCheck extends RoleCheck {

    @Override
    public String name() {
        return "role-owns-no-capture-object";
    }

    @Override
    public String description() {
        return "the role owns no table a history trigger hangs on, no trigger function and nothing those call";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        CaptureObjects capture = ctx.captureObjects();
        List<String> problems = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        String owner = ctx.ownerForRemedy();
        for (CaptureObjects.Table t : capture.sourceTables()) {
            if (t.ownedWithinReach()) {
                problems.add(t.name() + " (captured by " + t.capturedBy() + ") is owned by " + owned(t.owner(), role)
                        + ": it can ALTER TABLE " + t.name() + " DISABLE TRIGGER ALL, or drop its triggers");
                remedies.add(ownerRemedy("ALTER TABLE " + t.name(), t.owner(), reach, ctx));
            }
            if (t.schemaOwnedWithinReach() && !capture.auditSchemas().contains(t.schema())) {
                problems.add(role + " owns the schema " + t.schema() + " of " + t.name() + ": it can drop the table"
                        + " and its trigger");
                remedies.add("ALTER SCHEMA " + SqlIdentifier.role(t.schema()).display() + " OWNER TO " + owner + ";");
            }
        }
        for (CaptureObjects.Function f : capture.functions()) {
            if (f.ownedWithinReach()) {
                problems.add(f.signature() + " (" + f.usedBy() + ") is owned by " + owned(f.owner(), role)
                        + ": it can drop it, triggers and all, or (with CREATE on its schema) replace it with an"
                        + " empty body while the trigger stays enabled");
                remedies.add(ownerRemedy("ALTER FUNCTION " + f.signature(), f.owner(), reach, ctx)
                        + " Then re-create it from its migration (reference: db/migrations/003_history_triggers.sql),"
                        + " in case its body was replaced.");
            }
            if (f.schemaOwnedWithinReach() && !capture.auditSchemas().contains(f.schema())) {
                problems.add(role + " owns the schema " + f.schema() + " of " + f.signature() + ": it can drop the"
                        + " function, and with CASCADE its triggers");
                remedies.add("ALTER SCHEMA " + SqlIdentifier.role(f.schema()).display() + " OWNER TO " + owner + ";");
            }
        }
        // A PL/pgSQL body's calls leave no trace in pg_depend: look for functions the role owns by name in it.
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(RoleReach.MEMBER_OF + """
                SELECT p.oid::regprocedure::text, p.proname, pg_get_userbyid(p.proowner)
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.proowner IN (SELECT oid FROM member_of)
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1""")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String signature = rs.getString(1);
                    Pattern called = Pattern.compile("(?<![\\w$])" + Pattern.quote(rs.getString(2)
                            .toLowerCase(Locale.ROOT)) + "(?![\\w$])");
                    for (CaptureObjects.Function f : capture.functions()) {
                        if (!f.ownedWithinReach() && f.body() != null
                                && called.matcher(f.body().toLowerCase(Locale.ROOT)).find()) {
                            problems.add(f.signature() + " (" + f.usedBy() + ") names " + signature + " in its body,"
                                    + " which is owned by " + owned(rs.getString(3), role) + ": replacing it changes"
                                    + " what capture does");
                            remedies.add(ownerRemedy("ALTER FUNCTION " + signature, rs.getString(3), reach, ctx));
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", problems),
                    String.join(" ", remedies.stream().distinct().toList()));
        }
        return CheckResult.pass(name(), role + " owns none of the " + capture.sourceTables().size()
                + " source tables and " + capture.functions().size() + " functions capture runs through");
    }

    private static String owned(String owner, String role) {
        return owner.equals(role) ? role : owner + ", which " + role + " is a member of";
    }

    /** {@code ALTER ... OWNER TO <owner>;}, or for ownership through a membership, the REVOKE that ends it. */
    static String ownerRemedy(String alter, String currentOwner, RoleReach reach, DoctorContext ctx) {
        if (currentOwner.equals(ctx.role().name())) {
            return alter + " OWNER TO " + ctx.ownerForRemedy() + ";";
        }
        return reach.roles().stream().filter(m -> m.name().equals(currentOwner)).findFirst()
                .map(RoleReach.Member::revokeRemedy)
                .orElse("REVOKE " + SqlIdentifier.role(currentOwner).display() + " FROM " + ctx.role().display() + ";");
    }
}
