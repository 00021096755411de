package io.auditdrain.verifier.cli;

import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.db.DatabaseUrl;
import io.auditdrain.verifier.db.RoleSession;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.doctor.AuditObjects;
import io.auditdrain.verifier.doctor.AuditObjectsCheck;
import io.auditdrain.verifier.doctor.AuditTableGrantsCheck;
import io.auditdrain.verifier.doctor.BucketEncryptionCheck;
import io.auditdrain.verifier.doctor.BucketLifecycleCheck;
import io.auditdrain.verifier.doctor.BucketPolicyCheck;
import io.auditdrain.verifier.doctor.BucketVersioningCheck;
import io.auditdrain.verifier.doctor.CaptureFunctionsSearchPathCheck;
import io.auditdrain.verifier.doctor.CaptureProbeCheck;
import io.auditdrain.verifier.doctor.Check;
import io.auditdrain.verifier.doctor.CheckResult;
import io.auditdrain.verifier.doctor.DoctorContext;
import io.auditdrain.verifier.doctor.DrainActivityCheck;
import io.auditdrain.verifier.doctor.GrantDriftCheck;
import io.auditdrain.verifier.doctor.HistoryTriggersCheck;
import io.auditdrain.verifier.doctor.LogicalReplicationCheck;
import io.auditdrain.verifier.doctor.MigrationTableGrantsCheck;
import io.auditdrain.verifier.doctor.ParameterPrivilegesCheck;
import io.auditdrain.verifier.doctor.ProbeValues;
import io.auditdrain.verifier.doctor.PublicAccessBlockCheck;
import io.auditdrain.verifier.doctor.RewriteRulesCheck;
import io.auditdrain.verifier.doctor.RoleCanLogInCheck;
import io.auditdrain.verifier.doctor.RoleCannotBypassRlsCheck;
import io.auditdrain.verifier.doctor.RoleCannotCreateRolesCheck;
import io.auditdrain.verifier.doctor.RoleNotSuperuserCheck;
import io.auditdrain.verifier.doctor.RoleOwnsNoAuditTableCheck;
import io.auditdrain.verifier.doctor.RoleOwnsNoCaptureObjectCheck;
import io.auditdrain.verifier.doctor.RoleSearchPathCheck;
import io.auditdrain.verifier.doctor.SecurityDefinerFunctionsCheck;
import io.auditdrain.verifier.doctor.SourceTableGrantsCheck;
import io.auditdrain.verifier.doctor.StatementLoggingCheck;
import io.auditdrain.verifier.doctor.Verdict;
import io.auditdrain.verifier.doctor.WritersCheck;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.S3ArchiveReader;
import java.io.PrintWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code doctor}: the runbooks' "how to diagnose" steps, each a check with a verdict and a remedy. */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VerifierCli.Version.class,
        sortOptions = false, usageHelpWidth = 100, usageHelpAutoWidth = true,
        description = {
            "Find the audit tables, source tables and capture triggers in the catalog; check the role, its grants,"
                    + " the triggers, rules, replication, statement logging, the bucket's settings and the drain's"
                    + " recent activity; and exercise capture as the role in a transaction that is rolled back (the"
                    + " capture probe). Each check prints PASS, WARN, FAIL or SKIP, and the fix beside a failure.",
            "",
            "Exit status: 0 no check failed (warnings allowed), 1 a check failed, 2 usage, configuration or"
                    + " connection error."},
        footer = {"", "Examples:",
            "  export AUDITDRAIN_APP_DATABASE_URL=postgres://raptor_app:...@host:5432/db",
            "  java -jar auditdrain-verifier.jar doctor --app my-app --store s3://my-drain-bucket",
            "",
            "  export DATABASE_URL=postgres://owner:...@host:5432/db",
            "  java -jar auditdrain-verifier.jar doctor --set-role raptor_app --app my-app \\",
            "      --store s3://my-drain-bucket --json"})
public final class DoctorCommand implements Callable<Integer> {

    static final String DEFAULT_MIGRATION_TABLES = "alembic_version,schema_migrations";
    static final String DEFAULT_ALLOWED_WRITERS = "audit_archiver";

    @ParentCommand
    VerifierCli cli;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--audit-tables", paramLabel = "TABLE", split = ",", defaultValue = "",
            description = "Append-only tables to check besides those doctor finds (*_history tables, tables the role"
                    + " may INSERT but neither UPDATE nor DELETE, the tracer's table, what capture functions write, and"
                    + " their partitions and children); a name without a schema is public's."
                    + " Env: AUDITDRAIN_AUDIT_TABLES.")
    @FromEnvironment("AUDITDRAIN_AUDIT_TABLES")
    List<String> auditTables;

    @Option(names = "--history-triggers", paramLabel = "TRIGGER", split = ",", defaultValue = "",
            description = "Capture triggers that must exist and be enabled, besides those doctor finds (triggers"
                    + " whose function writes an audit table). Env: AUDITDRAIN_HISTORY_TRIGGERS.")
    @FromEnvironment("AUDITDRAIN_HISTORY_TRIGGERS")
    List<String> historyTriggers;

    @Option(names = "--table", paramLabel = "TABLE", defaultValue = "customer_audit_events",
            description = "The table smoke's tracer writes: always an audit table (default: ${DEFAULT-VALUE}; a name"
                    + " without a schema is public's). Env: AUDITDRAIN_TABLE.")
    @FromEnvironment("AUDITDRAIN_TABLE")
    String tracerTable;

    @Option(names = "--probe-value", paramLabel = "TABLE.COLUMN=VALUE", split = ";",
            description = "A value for the capture probe to write into a column it cannot fill itself (a NOT NULL"
                    + " column of an unknown type, a foreign key to an empty table, a CHECK its own values fail);"
                    + " TABLE is schema.table or a table of public; the probe rolls back. Repeatable;"
                    + " env: AUDITDRAIN_PROBE_VALUES, separated by ';'.")
    @FromEnvironment("AUDITDRAIN_PROBE_VALUES")
    List<String> probeValues;

    @Option(names = "--migration-tables", paramLabel = "TABLE", split = ",", defaultValue = DEFAULT_MIGRATION_TABLES,
            description = "Tables the role must have no privilege on, where they exist (default: ${DEFAULT-VALUE})."
                    + " Env: AUDITDRAIN_MIGRATION_TABLES.")
    @FromEnvironment("AUDITDRAIN_MIGRATION_TABLES")
    List<String> migrationTables;

    @Option(names = "--retention-days", paramLabel = "DAYS", defaultValue = "90",
            description = "Least number of days the lifecycle must keep objects and noncurrent versions (default:"
                    + " ${DEFAULT-VALUE}). Env: AUDITDRAIN_RETENTION_DAYS.")
    @FromEnvironment("AUDITDRAIN_RETENTION_DAYS")
    int retentionDays;

    @Option(names = "--silence", paramLabel = "DURATION", defaultValue = "15m", converter = DurationConverter.class,
            description = "The drain fails the activity check when the app's newest object is older than this"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration silence;

    @Option(names = "--allowed-writers", paramLabel = "ROLE", split = ",", defaultValue = DEFAULT_ALLOWED_WRITERS,
            description = "Roles besides the restricted one that may write the audit tables, for the writers check"
                    + " (default: ${DEFAULT-VALUE}, which the reference deployment lets UPDATE for data-subject"
                    + " requests; an empty value allows none). Env: AUDITDRAIN_ALLOWED_WRITERS.")
    @FromEnvironment("AUDITDRAIN_ALLOWED_WRITERS")
    List<String> allowedWriters;

    @Option(names = "--writers-window", paramLabel = "DURATION", defaultValue = "24h",
            converter = DurationConverter.class,
            description = "How far back the writers check reads the archive (default: ${DEFAULT-VALUE})."
                    + " Env: AUDITDRAIN_WRITERS_WINDOW.")
    @FromEnvironment("AUDITDRAIN_WRITERS_WINDOW")
    Duration writersWindow;

    @Option(names = "--json", description = "Print one JSON document instead of text (for CI).")
    boolean json;

    /** Every check, in the order doctor runs and prints them. */
    public static List<Check> checks() {
        return List.of(
                new RoleCanLogInCheck(),
                new RoleNotSuperuserCheck(),
                new RoleCannotCreateRolesCheck(),
                new RoleCannotBypassRlsCheck(),
                new AuditObjectsCheck(),
                new RoleOwnsNoAuditTableCheck(),
                new RoleOwnsNoCaptureObjectCheck(),
                new AuditTableGrantsCheck(),
                new SourceTableGrantsCheck(),
                new MigrationTableGrantsCheck(),
                new GrantDriftCheck(),
                new SecurityDefinerFunctionsCheck(),
                new ParameterPrivilegesCheck(),
                new CaptureFunctionsSearchPathCheck(),
                new RoleSearchPathCheck(),
                new HistoryTriggersCheck(),
                new RewriteRulesCheck(),
                new LogicalReplicationCheck(),
                new CaptureProbeCheck(),
                new StatementLoggingCheck(),
                new BucketVersioningCheck(),
                new PublicAccessBlockCheck(),
                new BucketEncryptionCheck(),
                new BucketLifecycleCheck(),
                new BucketPolicyCheck(),
                new DrainActivityCheck(),
                new WritersCheck());
    }

    @Override
    public Integer call() {
        Environment env = cli.environment();
        if (retentionDays < 1) {
            throw new ConfigurationException("--retention-days must be at least 1");
        }
        if (silence.isZero() || silence.isNegative()) {
            throw new ConfigurationException("--silence must be positive");
        }
        if (writersWindow.isZero() || writersWindow.isNegative()) {
            throw new ConfigurationException("--writers-window must be positive");
        }
        List<String> writers = allowedWriters.stream().filter(w -> !w.isBlank())
                .map(w -> SqlIdentifier.role(w).name()).toList();
        List<SqlIdentifier> tables = identifiers(auditTables);
        List<SqlIdentifier> triggers = identifiers(historyTriggers);
        for (SqlIdentifier t : triggers) {
            if (t.schema() != null) {
                throw new ConfigurationException("--history-triggers takes trigger names without a schema: " + t);
            }
        }
        List<SqlIdentifier> migrations = identifiers(migrationTables);
        SqlIdentifier tracer = SqlIdentifier.of(tracerTable);
        Map<String, String> values = ProbeValues.parse(probeValues == null ? List.of() : probeValues);
        Optional<String> app = target.hasApp() ? Optional.of(target.app()) : Optional.empty();
        Optional<StoreLocation> location = target.hasStore() ? Optional.of(target.store()) : Optional.empty();
        DatabaseUrl url = connection.url(env);
        SqlIdentifier roleToCheck = connection.roleToSet();

        // The owner's session examines the role through the catalog: no SET ROLE, so that a missing role is a
        // failed check rather than a connection error.
        try (RoleSession session = RoleSession.open(url, null);
             ArchiveReader store = location.map(l -> ArchiveReader.open(l, env)).orElse(null)) {
            SqlIdentifier role = roleToCheck != null ? roleToCheck : SqlIdentifier.role(session.sessionUser());
            Optional<DoctorContext.Bucket> bucket = store instanceof S3ArchiveReader s3
                    ? Optional.of(new DoctorContext.Bucket(s3.client(), s3.bucket())) : Optional.empty();
            RoleSession.SearchPath loginPath = pin(session);
            boolean exists = roleExists(session, role);
            AuditObjects audit = discover(session, exists ? role.name() : null,
                    new AuditObjects.Named(tables, triggers, migrations, tracer));
            DoctorContext context = new DoctorContext(session, loginPath, role, exists, audit, migrations, values,
                    bucket, Optional.ofNullable(store), app, retentionDays, silence, writers, writersWindow,
                    cli.clock());
            List<CheckResult> results = new ArrayList<>();
            for (Check check : checks()) {
                results.add(run(check, context, url));
            }
            return report(results, context, url, store);
        }
    }

    private static CheckResult run(Check check, DoctorContext context, DatabaseUrl url) {
        try {
            return check.run(context);
        } catch (SQLException e) {
            return CheckResult.fail(check.name(), "could not check: " + RoleSession.oneLine(url.redact(
                    e.getMessage())), "check the session's access to the catalog");
        } catch (ConfigurationException e) {
            return CheckResult.fail(check.name(), "could not check: " + e.getMessage(), "");
        } catch (Exception e) {
            return CheckResult.fail(check.name(), "could not check: " + e, "");
        }
    }

    private int report(List<CheckResult> results, DoctorContext context, DatabaseUrl url, ArchiveReader store) {
        PrintWriter out = spec.commandLine().getOut();
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        results.forEach(r -> counts.merge(r.verdict(), 1, Integer::sum));
        boolean failed = counts.get(Verdict.FAIL) > 0;
        Map<String, String> descriptions = new LinkedHashMap<>();
        checks().forEach(c -> descriptions.put(c.name(), c.description()));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", "doctor");
            doc.put("result", failed ? "FAIL" : "PASS");
            doc.put("role", context.role().name());
            doc.put("session_user", context.session().sessionUser());
            doc.put("database", url.toString());
            doc.put("app", context.app().orElse(null));
            doc.put("store", store == null ? null : store.describe());
            doc.put("audit_objects", AuditObjectsCheck.describe(context.audit()));
            List<Object> checks = new ArrayList<>();
            for (CheckResult r : results) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", r.name());
                c.put("verdict", r.verdict());
                c.put("description", descriptions.get(r.name()));
                c.put("detail", r.detail());
                c.put("remedy", r.remedy());
                checks.add(c);
            }
            doc.put("checks", checks);
            Map<String, Object> summary = new LinkedHashMap<>();
            counts.forEach((v, n) -> summary.put(v.name().toLowerCase(java.util.Locale.ROOT), n));
            doc.put("summary", summary);
            out.println(JsonOutput.write(doc));
        } else {
            out.printf("doctor: role %s, connected as %s to %s%s%s%n", context.role().name(),
                    context.session().sessionUser(), url, context.app().map(a -> ", app " + a).orElse(""),
                    store == null ? "" : ", store " + store.describe());
            int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(10);
            for (CheckResult r : results) {
                out.printf("%-4s  %-" + width + "s  %s%n", r.verdict(), r.name(), r.detail());
                if (!r.remedy().isEmpty() && r.verdict() != Verdict.PASS) {
                    out.printf("      %" + width + "s  fix: %s%n", "", r.remedy());
                }
            }
            out.printf("%s  %d checks: %d passed, %d warned, %d failed, %d skipped%n", failed ? "FAIL" : "PASS",
                    results.size(), counts.get(Verdict.PASS), counts.get(Verdict.WARN), counts.get(Verdict.FAIL),
                    counts.get(Verdict.SKIP));
        }
        out.flush();
        return failed ? ExitCodes.FAILED : ExitCodes.PASS;
    }

    private static boolean roleExists(RoleSession session, SqlIdentifier role) {
        try (PreparedStatement ps = session.connection().prepareStatement(
                "SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new ConfigurationException("could not read pg_roles: " + RoleSession.oneLine(e.getMessage()), e);
        }
    }

    private static List<SqlIdentifier> identifiers(List<String> names) {
        List<SqlIdentifier> ids = new ArrayList<>();
        for (String n : names == null ? List.<String>of() : names) {
            if (!n.isBlank()) {
                ids.add(SqlIdentifier.of(n));
            }
        }
        return List.copyOf(ids);
    }

    /** Keeps the session's search_path for the checks that judge it, then pins it (RoleSession#pinSearchPath). */
    private static RoleSession.SearchPath pin(RoleSession session) {
        try {
            return session.pinSearchPath();
        } catch (SQLException e) {
            throw new ConfigurationException("could not pin the session's search_path: "
                    + RoleSession.oneLine(e.getMessage()), e);
        }
    }

    private static AuditObjects discover(RoleSession session, String role, AuditObjects.Named named) {
        try {
            return AuditObjects.discover(session.connection(), role, named);
        } catch (SQLException e) {
            throw new ConfigurationException("could not read the catalog to find the audit tables: "
                    + RoleSession.oneLine(e.getMessage()), e);
        }
    }
}
