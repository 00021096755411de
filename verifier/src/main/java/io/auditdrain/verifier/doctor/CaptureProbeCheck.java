package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.logs.VerifierWrites;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Capture proven by behaviour ({@link CaptureProbe}): as the restricted role, in transactions that are always rolled
 * back, every source table's INSERT, UPDATE (of each column) and DELETE must leave its row in the history table, and
 * every audit table must take an INSERT and refuse UPDATE, DELETE and TRUNCATE. The catalog checks answer "could the
 * role switch capture off"; this one answers "is capture on, for every kind of write, right now", whatever way a
 * trigger, function, rule or setting was changed. A probe that cannot run says so and what to give it; that fails too,
 * since capture is then unproven.
 */
public final class CaptureProbeCheck extends RoleCheck {

    @Override
    public String name() {
        return "capture-probe";
    }

    @Override
    public String description() {
        return "as the role, in a transaction rolled back: writes to each source table reach its history table, and"
                + " each audit table takes an INSERT and refuses UPDATE, DELETE and TRUNCATE";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        String role = ctx.role().name();
        boolean setRole = !ctx.sessionIsRole();
        if (setRole && !mayBecome(ctx)) {
            return CheckResult.fail(name(), "cannot act as " + role + ": " + ctx.session().sessionUser()
                    + " is not a member of it", "GRANT " + ctx.role().display() + " TO "
                    + ctx.session().sessionUser() + "; or run doctor with " + role + "'s own URL");
        }
        AuditObjects audit = ctx.audit();
        if (audit.auditTables().isEmpty() && audit.sourceTables().isEmpty()) {
            return CheckResult.warn(name(), "nothing to probe: no audit table found (audit-objects)",
                    "name the append-only tables with --audit-tables");
        }
        String tag = VerifierWrites.newProbeTag(ctx.clock().instant());
        RoleSetting path = RoleSetting.effective(ctx, "search_path");
        List<String> rolesPath = RoleSearchPathCheck.schemas(path == null ? "\"$user\", public" : path.value(), role);
        CaptureProbe probe = new CaptureProbe(ctx.session().connection(), role, setRole, audit, ctx.probeValues(),
                tag, rolesPath);
        List<CaptureProbe.Finding> findings = new ArrayList<>();
        for (AuditObjects.SourceTable s : audit.sourceTables()) {
            findings.addAll(probe.sourceTable(s));
        }
        for (AuditObjects.AuditTable t : audit.auditTables()) {
            findings.addAll(probe.auditTable(t));
        }
        String as = "as " + role + (setRole ? " (SET ROLE from " + ctx.session().sessionUser() + "'s session)" : "")
                + ", " + probe.statements() + " statements tagged " + tag + ", rolled back";
        List<String> failed = new ArrayList<>();
        List<String> cannot = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> remedies = new LinkedHashSet<>();
        for (CaptureProbe.Finding f : findings) {
            switch (f.severity()) {
                case FAIL -> {
                    failed.add(f.text());
                    remedies.add(remedy(f, ctx));
                }
                case CANNOT_RUN -> {
                    cannot.add("cannot probe " + f.table() + ": " + f.text());
                    remedies.add("give the probe what it needs (--probe-value schema.table.column=VALUE; it writes"
                            + " only inside a transaction it rolls back)");
                }
                case NOTE -> notes.add(f.text());
            }
        }
        String summary = audit.sourceTables().size() + " source tables, " + audit.auditTables().size()
                + " audit tables";
        if (!failed.isEmpty() || !cannot.isEmpty()) {
            List<String> all = new ArrayList<>(failed);
            all.addAll(cannot);
            all.addAll(notes);
            return CheckResult.fail(name(), String.join("; ", all) + " (" + as + ")", String.join(" ", remedies));
        }
        String unwritten = probe.unwritten().isEmpty() ? "" : "; " + role + " may not write "
                + String.join(", ", probe.unwritten()) + " (refusals probed only)";
        String detail = summary + ": each write to a source table left its row in the history table, each audit table"
                + " took an INSERT and refused UPDATE, DELETE and TRUNCATE (" + as + ")" + unwritten;
        if (!notes.isEmpty()) {
            return CheckResult.warn(name(), detail + "; " + String.join("; ", notes), "see the notes");
        }
        return CheckResult.pass(name(), detail);
    }

    private static String remedy(CaptureProbe.Finding f, DoctorContext ctx) {
        String t = f.text();
        if (t.contains(" was allowed") || t.contains("passed the privilege check")) {
            return "the role must not change " + f.table() + ": find what lets it (audit-table-grants,"
                    + " role-owns-no-audit-table, rewrite-rules) and REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "
                    + f.table() + " FROM " + ctx.role().display() + ";";
        }
        if (t.startsWith("INSERT INTO") || t.contains("rewrites INSERT") || t.contains("may not INSERT")) {
            return "the INSERT must land in " + f.table() + ": drop the rule or trigger that diverts it (rewrite-rules;"
                    + " SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = '" + f.table() + "'::regclass;),"
                    + " or GRANT INSERT ON TABLE " + f.table() + " TO " + ctx.role().display() + ";";
        }
        return "re-create the capture trigger of " + f.table() + " and its function from the migration that defines"
                + " them (reference: db/migrations/003_history_triggers.sql: AFTER INSERT OR UPDATE OR DELETE, FOR EACH"
                + " ROW, no WHEN; the function writes TG_OP and the row into the history table); history-triggers,"
                + " rewrite-rules and role-owns-no-capture-object say who could have changed them";
    }

    private static boolean mayBecome(DoctorContext ctx) throws Exception {
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT pg_has_role(session_user, ?, 'MEMBER')")) {
            ps.setString(1, ctx.role().name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
