package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The history triggers exist and fire: {@code tgenabled} is {@code O} (origin, the default) or {@code A} (always).
 * {@code D} is disabled and {@code R} fires only on replicas (runbook: pgaudit external sink, diagnose step 4). And
 * they fire in the role's sessions: a role or database default {@code session_replication_role = replica} stops every
 * {@code O} trigger without touching {@code tgenabled}.
 */
public final class HistoryTriggersCheck implements Check {

    @Override
    public String name() {
        return "history-triggers";
    }

    @Override
    public String description() {
        return "the history triggers exist and are enabled";
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        List<String> ok = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        try (PreparedStatement ps = ctx.session().connection().prepareStatement(
                "SELECT t.tgrelid::regclass::text, t.tgenabled FROM pg_trigger t"
                        + " WHERE NOT t.tgisinternal AND t.tgname = ? ORDER BY 1")) {
            for (SqlIdentifier trigger : ctx.historyTriggers()) {
                ps.setString(1, trigger.name());
                boolean found = false;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found = true;
                        String table = rs.getString(1);
                        String enabled = rs.getString(2);
                        if (enabled.equals("O") || enabled.equals("A")) {
                            ok.add(trigger.name() + " on " + table + (enabled.equals("A") ? " (always)" : ""));
                        } else {
                            String state = enabled.equals("D") ? "disabled" : "enabled for replicas only";
                            failures.add(trigger.name() + " on " + table + " is " + state + " (tgenabled = '"
                                    + enabled + "')");
                            remedies.add("ALTER TABLE " + table + " ENABLE TRIGGER " + trigger.display() + ";");
                        }
                    }
                }
                if (!found) {
                    failures.add(trigger.name() + " does not exist");
                    remedies.add("re-create " + trigger.name() + " from the schema migration that defines it"
                            + " (reference: db/migrations/003_history_triggers.sql)");
                }
            }
        }
        String replication = "";
        if (ctx.roleExists() && !ok.isEmpty()) {
            RoleSetting srr = RoleSetting.effective(ctx, "session_replication_role");
            if (srr == null) {
                replication = "; cannot tell session_replication_role from this session";
            } else if (srr.value().equals("replica") && ok.stream().anyMatch(t -> !t.endsWith(" (always)"))) {
                failures.add("session_replication_role = replica for " + ctx.role().name() + " (" + srr.source()
                        + "): triggers that are not ENABLE ALWAYS do not fire in its sessions");
                remedies.add(srr.roleLevel() ? "ALTER ROLE " + ctx.role().display() + " RESET session_replication_role;"
                        : "ALTER DATABASE " + SqlIdentifier.role(ctx.session().database()).display()
                        + " RESET session_replication_role;");
            }
        }
        if (!failures.isEmpty()) {
            return CheckResult.fail(name(), String.join("; ", failures), String.join(" ", remedies));
        }
        return CheckResult.pass(name(), ok.size() + " triggers enabled: " + String.join(", ", ok) + replication);
    }
}
