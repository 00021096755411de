package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * No logical replication writes into the audit trail behind capture's back. A subscription's apply worker writes its
 * tables in replica mode ({@code session_replication_role = replica}), where only {@code ENABLE ALWAYS} (and
 * {@code ENABLE REPLICA}) triggers fire: rows it applies to a source table whose capture trigger is an ordinary one
 * arrive without a history row, and rows it changes in an audit table change as the publisher says, with the
 * subscription owner's privileges. Nor are its statements logged as statements. So a subscription (in this database)
 * whose tables include an audit table, or a source table whose capture trigger does not fire ALWAYS, fails. A
 * replication origin that belongs to no subscription is a warning: some other tool (pglogical, Bucardo, ...) applies
 * changes in replica mode, and which tables it writes cannot be read from here.
 */
public final class LogicalReplicationCheck implements Check {

    @Override
    public String name() {
        return "logical-replication";
    }

    @Override
    public String description() {
        return "no subscription or replication tool writes the audit tables, or a source table without capture";
    }

    private record Subscription(long oid, String name, boolean enabled, String owner, List<Long> tables) {
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        Connection c = ctx.session().connection();
        AuditObjects audit = ctx.audit();
        Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.oid, s.subname, s.subenabled, pg_get_userbyid(s.subowner),
                       ARRAY(SELECT r.srrelid::bigint FROM pg_subscription_rel r WHERE r.srsubid = s.oid ORDER BY 1)
                FROM pg_subscription s
                WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY 2""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Long> tables = new ArrayList<>();
                for (Object o : (Object[]) rs.getArray(5).getArray()) {
                    tables.add(((Number) o).longValue());
                }
                subscriptions.put(rs.getLong(1), new Subscription(rs.getLong(1), rs.getString(2), rs.getBoolean(3),
                        rs.getString(4), tables));
            }
        }
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        List<String> harmless = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            String sub = "subscription " + s.name() + (s.enabled() ? "" : " (disabled)");
            if (s.tables().isEmpty()) {
                if (s.enabled()) {
                    warnings.add(sub + " names no table yet (its publication was not read): which tables it will"
                            + " write cannot be told");
                    remedies.add("ALTER SUBSCRIPTION " + SqlIdentifier.displayName(s.name()) + " REFRESH PUBLICATION;"
                            + " then run doctor again");
                }
                continue;
            }
            for (long table : s.tables()) {
                if (audit.auditTable(table).isPresent()) {
                    failures.add(sub + " writes the audit table " + audit.relation(table) + ": its apply worker"
                            + " changes and deletes rows as the publisher does, with " + s.owner() + "'s privileges");
                    remedies.add("ALTER SUBSCRIPTION " + SqlIdentifier.displayName(s.name()) + " ... (drop "
                            + audit.relation(table) + " from its publication), or DROP SUBSCRIPTION "
                            + SqlIdentifier.displayName(s.name()) + ";");
                    continue;
                }
                List<AuditObjects.CaptureTrigger> triggers = audit.captureTriggers().stream()
                        .filter(t -> t.tableOid() == table).toList();
                boolean source = audit.sourceTables().stream().anyMatch(t -> t.oid() == table);
                if (!source) {
                    harmless.add(sub + " writes " + AuditObjects.relationName(c, table) + ", which is not captured");
                    continue;
                }
                List<String> notAlways = triggers.stream().filter(t -> !t.enabled().equals("A")
                        && !t.enabled().equals("R")).map(t -> t.name() + " (tgenabled = '" + t.enabled() + "')")
                        .toList();
                if (triggers.isEmpty() || !notAlways.isEmpty()) {
                    failures.add(sub + " applies rows to " + audit.relation(table) + " in replica mode, where "
                            + (triggers.isEmpty() ? "no capture trigger" : String.join(", ", notAlways)
                            + " does not fire") + ": those changes arrive without a history row");
                    for (AuditObjects.CaptureTrigger t : triggers) {
                        remedies.add("ALTER TABLE " + t.table() + " ENABLE ALWAYS TRIGGER "
                                + SqlIdentifier.displayName(t.name()) + ";");
                    }
                    remedies.add("(or take " + audit.relation(table) + " out of " + s.name() + "'s publication)");
                } else {
                    harmless.add(sub + " writes " + audit.relation(table) + ", whose capture triggers fire ALWAYS");
                }
            }
        }
        Set<String> known = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT 'pg_' || oid FROM pg_subscription");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                known.add(rs.getString(1));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT roname FROM pg_replication_origin ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!known.contains(rs.getString(1))) {
                    warnings.add("replication origin " + rs.getString(1) + " belongs to no subscription: a replication"
                            + " tool applies changes in replica mode, where capture triggers that are not ENABLE ALWAYS"
                            + " do not fire; which tables it writes cannot be read from here");
                    remedies.add("find the tool that uses origin " + rs.getString(1) + " and what it writes;"
                            + " SELECT pg_replication_origin_drop('" + rs.getString(1).replace("'", "''")
                            + "') once it is gone");
                }
            }
        }
        Optional<CheckResult> found = CheckResult.of(name(), failures, warnings, remedies);
        if (found.isPresent()) {
            return found.get();
        }
        if (subscriptions.isEmpty()) {
            return CheckResult.pass(name(), "no subscription in this database and no replication origin");
        }
        return CheckResult.pass(name(), String.join("; ", harmless.isEmpty()
                ? List.of(subscriptions.size() + " subscriptions, none writing an audit or source table") : harmless));
    }
}
