package io.auditdrain.verifier.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Says what the other checks judge: the audit tables, source tables and capture triggers {@link AuditObjects} found in
 * the catalog, and why each counts. A deployment whose tables follow none of the rules is told to name them; nothing
 * found is a warning, since then nothing is checked.
 */
public final class AuditObjectsCheck implements Check {

    @Override
    public String name() {
        return "audit-objects";
    }

    @Override
    public String description() {
        return "the audit tables, source tables and capture triggers found in the catalog";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        AuditObjects audit = ctx.audit();
        if (audit.auditTables().isEmpty()) {
            return CheckResult.warn(name(), "no audit table found: no *_history table, no table " + ctx.role().name()
                    + " may INSERT but neither UPDATE nor DELETE, no tracer table, no capture trigger",
                    "apply the schema migrations (reference: db/migrations/), or name the append-only tables with"
                            + " --audit-tables schema.table,...");
        }
        List<String> tables = new ArrayList<>();
        for (AuditObjects.AuditTable t : audit.auditTables()) {
            tables.add(t.relation() + " (" + String.join("; ", t.foundBy()) + ")");
        }
        List<String> sources = new ArrayList<>();
        for (AuditObjects.SourceTable s : audit.sourceTables()) {
            String history = String.join(", ", s.history().stream().map(audit::relation).toList());
            sources.add(s.relation() + (s.triggers().isEmpty() ? " (no capture trigger)"
                    : " (" + String.join(", ", s.triggers()) + ")") + " -> " + (history.isEmpty() ? "?" : history));
        }
        Set<String> functions = new LinkedHashSet<>();
        audit.captureTriggers().forEach(t -> functions.add(t.function()));
        return CheckResult.pass(name(), audit.auditTables().size() + " audit tables: " + String.join(", ", tables)
                + "; " + audit.sourceTables().size() + " source tables: " + (sources.isEmpty() ? "none"
                : String.join(", ", sources)) + "; capture functions: " + (functions.isEmpty() ? "none"
                : String.join(", ", functions)));
    }

    /** The same as a JSON value, for {@code --json}. */
    public static Map<String, Object> describe(AuditObjects audit) {
        List<Object> tables = new ArrayList<>();
        for (AuditObjects.AuditTable t : audit.auditTables()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", t.relation());
            m.put("found_by", t.foundBy());
            tables.add(m);
        }
        List<Object> sources = new ArrayList<>();
        for (AuditObjects.SourceTable s : audit.sourceTables()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", s.relation());
            m.put("triggers", s.triggers());
            m.put("history", s.history().stream().map(audit::relation).toList());
            sources.add(m);
        }
        List<Object> triggers = new ArrayList<>();
        for (AuditObjects.CaptureTrigger t : audit.captureTriggers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trigger", t.name());
            m.put("table", t.table());
            m.put("function", t.function());
            m.put("enabled", t.enabled());
            triggers.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("audit_tables", tables);
        doc.put("source_tables", sources);
        doc.put("capture_triggers", triggers);
        return doc;
    }
}
