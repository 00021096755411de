package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The capture triggers exist and fire: {@code tgenabled} is {@code O} (origin, the default) or {@code A} (always).
 * {@code D} is disabled and {@code R} fires only on replicas (runbook: pgaudit external sink, diagnose step 4). Every
 * table {@code X} beside a history table {@code X_history} has one, and so does every trigger named with
 * {@code --history-triggers}. And they fire in the role's sessions: a role or database default
 * {@code session_replication_role = replica} stops every {@code O} trigger without touching {@code tgenabled}. Whether
 * an enabled trigger captures every kind of write is {@code capture-probe}'s question.
 */
public final class HistoryTriggersCheck implements Check {

    @Override
    public String name() {
        return "history-triggers";
    }

    @Override
    public String description() {
        return "every source table has its capture trigger, and it is enabled";
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        List<String> ok = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        AuditObjects audit = ctx.audit();
        for (AuditObjects.CaptureTrigger t : audit.captureTriggers()) {
            String enabled = t.enabled();
            if (enabled.equals("O") || enabled.equals("A")) {
                ok.add(t.name() + " on " + t.table() + (enabled.equals("A") ? " (always)" : ""));
            } else {
                String state = enabled.equals("D") ? "disabled" : "enabled for replicas only";
                failures.add(t.name() + " on " + t.table() + " is " + state + " (tgenabled = '" + enabled + "')");
                remedies.add("ALTER TABLE " + t.table() + " ENABLE TRIGGER " + SqlIdentifier.displayName(t.name())
                        + ";");
            }
        }
        for (AuditObjects.SourceTable source : audit.sourceTables()) {
            if (source.triggers().isEmpty()) {
                failures.add("no trigger on " + source.relation() + " writes " + String.join(", ",
                        source.history().stream().map(audit::relation).toList()));
                remedies.add("re-create the history trigger of " + source.relation() + " from the schema migration"
                        + " that defines it (reference: db/migrations/003_history_triggers.sql)");
            }
        }
        for (String missing : audit.missingNamed()) {
            if (missing.startsWith("trigger ")) {
                failures.add(missing);
                remedies.add("re-create it from the schema migration that defines it (reference:"
                        + " db/migrations/003_history_triggers.sql), or correct --history-triggers");
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
        if (ok.isEmpty()) {
            return CheckResult.pass(name(), "no capture trigger and no source table found (no *_history table has a"
                    + " table beside it, and no trigger writes an audit table)" + replication);
        }
        return CheckResult.pass(name(), ok.size() + " triggers enabled: " + String.join(", ", ok) + replication);
    }
}
