package io.auditdrain.verifier.cli;

import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.PrintableText;
import io.auditdrain.verifier.db.DatabaseUrl;
import io.auditdrain.verifier.db.RoleSession;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.db.TracerStatement;
import io.auditdrain.verifier.db.TracerWriter;
import io.auditdrain.verifier.logs.StatementMatcher;
import io.auditdrain.verifier.smoke.TracerSearch;
import io.auditdrain.verifier.store.ArchiveReader;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code smoke}: a tagged tracer INSERT as the restricted role, then a poll of the store until its statement shows. */
@Command(name = "smoke", mixinStandardHelpOptions = true, versionProvider = VerifierCli.Version.class,
        sortOptions = false, usageHelpWidth = 100, usageHelpAutoWidth = true,
        description = {
            "INSERT a uniquely tagged tracer row as the restricted role, then poll the drained objects until the"
                    + " logged statement holding the tag and the table name appears.",
            "",
            "Exit status: 0 found, 1 not found within --timeout (or the INSERT was refused), 2 usage,"
                    + " configuration or connection error."},
        footer = {"", "Examples:",
            "  export AUDITDRAIN_APP_DATABASE_URL=postgres://raptor_app:...@host:5432/db",
            "  java -jar auditdrain-verifier.jar smoke --app my-app --store s3://my-drain-bucket",
            "",
            "  export DATABASE_URL=postgres://owner:...@host:5432/db",
            "  java -jar auditdrain-verifier.jar smoke --set-role raptor_app --app my-app \\",
            "      --store s3://my-drain-bucket --json"})
public final class SmokeCommand implements Callable<Integer> {

    @ParentCommand
    VerifierCli cli;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--table", paramLabel = "TABLE", defaultValue = "customer_audit_events",
            description = "The audit table the tracer writes and the logged line must name (default:"
                    + " ${DEFAULT-VALUE}). Env: AUDITDRAIN_TABLE.")
    @FromEnvironment("AUDITDRAIN_TABLE")
    String table;

    @Option(names = "--statement", paramLabel = "SQL",
            description = "Tracer INSERT for another schema; {tag} stands for the tag as a quoted literal, e.g."
                    + " \"INSERT INTO audit_log (id, note) VALUES ({tag}, 'smoke')\". Default: the runbook's smoke"
                    + " test on customer_audit_events. Env: AUDITDRAIN_SMOKE_STATEMENT.")
    @FromEnvironment("AUDITDRAIN_SMOKE_STATEMENT")
    String statement;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long to look for the tracer (default: ${DEFAULT-VALUE}; Heroku takes about 30s).")
    Duration timeout;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Pause between polls of the store (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--margin", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Listing starts this long before the INSERT (whole-second log stamps, clock skew,"
                    + " objects stored out of order; default: ${DEFAULT-VALUE}).")
    Duration margin;

    @Option(names = "--json", description = "Print one JSON document instead of text (for CI).")
    boolean json;

    @Override
    public Integer call() {
        Environment env = cli.environment();
        Clock clock = cli.clock();
        String app = target.app();
        StoreLocation location = target.store();
        SqlIdentifier tableId = SqlIdentifier.of(table);
        TracerStatement tracerStatement = statement == null ? TracerStatement.referenceDefault(tableId)
                : new TracerStatement(statement, tableId);
        TracerSearch.Settings settings = settings();
        DatabaseUrl url = connection.url(env);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        try (ArchiveReader store = ArchiveReader.open(location, env)) {
            // Fail on a wrong bucket or missing credentials before writing anything.
            Instant localNow = clock.instant();
            store.listAfter(ObjectKeyLayout.dayPrefix(app, LocalDate.ofInstant(localNow, ZoneOffset.UTC)),
                    ObjectKeyLayout.startAfter(app, localNow));

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("command", "smoke");
            report.put("result", null);
            report.put("app", app);
            report.put("store", store.describe());
            report.put("table", tableId.toString());

            String tag = TracerWriter.newTag(localNow);
            report.put("tag", tag);
            TracerWriter.Tracer tracer;
            String logStatement;
            Instant localAtInsert;
            String sessionUser;
            String role;
            try (RoleSession session = RoleSession.open(url, connection.roleToSet())) {
                sessionUser = session.sessionUser();
                role = session.currentUser();
                report.put("session_user", sessionUser);
                report.put("role", role);
                logStatement = session.show("log_statement");
                report.put("log_statement", logStatement);
                if (!json) {
                    out.printf("smoke: app %s, store %s, as %s%s on %s%n", app, store.describe(),
                            session.currentUser(), session.sessionUser().equals(session.currentUser()) ? ""
                                    : " (SET ROLE from " + session.sessionUser() + ")", url);
                }
                try {
                    tracer = TracerWriter.write(session, tracerStatement, tag);
                } catch (SQLException e) {
                    return refused(report, e, url, out);
                }
                localAtInsert = clock.instant();
            } catch (SQLException e) {
                throw new ConfigurationException("database error: " + RoleSession.oneLine(url.redact(e.getMessage())),
                        e);
            }
            report.put("statement", tracer.statement());
            report.put("insert_time", tracer.insertTime());
            // Search in the database's time, which stamps the Postgres log lines and so the keys.
            Duration skew = Duration.between(localAtInsert, tracer.insertTime());
            Clock databaseClock = Clock.offset(clock, skew);
            if (!json) {
                out.printf("  tracer %s inserted into %s at %s (database clock)%n", tag, tableId, tracer.insertTime());
                if (!sessionUser.equals(role)) {
                    out.printf("  note: with SET ROLE the statement is logged under %s's session settings;"
                            + " doctor checks %s's own%n", sessionUser, role);
                }
                out.printf("  looking in %s from %s, every %s, for up to %s%n", store.describe() + "/"
                        + ObjectKeyLayout.appPrefix(app), tracer.insertTime().minus(margin),
                        Durations.format(interval), Durations.format(timeout));
                out.flush();
            }
            TracerSearch search = new TracerSearch(store, app, settings, databaseClock,
                    json ? TracerSearch.Progress.NONE : new ProgressPrinter(err));
            TracerSearch.Outcome outcome = search.search(tracer.insertTime(), new StatementMatcher(tableId.name(), tag));
            report.put("elapsed_ms", outcome.elapsed().toMillis());
            report.put("objects_read", outcome.objectsRead());
            if (outcome instanceof TracerSearch.Found found) {
                return found(report, found, tracer, databaseClock, out);
            }
            return notFound(report, (TracerSearch.NotFound) outcome, app, store, logStatement, out);
        }
    }

    private TracerSearch.Settings settings() {
        try {
            return new TracerSearch.Settings(margin, interval, timeout);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    private int found(Map<String, Object> report, TracerSearch.Found found, TracerWriter.Tracer tracer,
                      Clock databaseClock, PrintWriter out) {
        Instant storedAt = found.object().storedAt() != null ? found.object().storedAt() : databaseClock.instant();
        // S3 stamps LastModified in whole seconds, so a fast drain can look a little early: never below zero.
        Duration latency = Duration.between(tracer.insertTime(), storedAt);
        latency = latency.isNegative() ? Duration.ZERO : latency;
        report.put("result", "PASS");
        report.put("object_key", found.object().key());
        report.put("object_time", found.key().time());
        report.put("stored_at", found.object().storedAt());
        report.put("latency_ms", latency.toMillis());
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("form", found.match().form());
        match.put("proc_id", found.message().procId());
        match.put("message", found.message().message());
        match.put("chunks", found.message().chunks());
        match.put("text", found.message().text());
        report.put("match", match);
        if (json) {
            out.println(JsonOutput.write(report));
        } else {
            out.printf("PASS  tracer found after %s%n", Durations.format(found.elapsed()));
            out.printf("  tag          %s%n", tracer.tag());
            out.printf("  object       %s%n", found.object().key());
            out.printf("  line         %s %s[%d, %d chunk%s] %s%n", found.message().procId(),
                    found.message().attachment().isEmpty() ? "" : "[" + found.message().attachment() + "] ",
                    found.message().message(), found.message().chunks(), found.message().chunks() == 1 ? "" : "s",
                    PrintableText.escape(found.message().text()));
            out.printf("  insert time  %s (database clock)%n", tracer.insertTime());
            out.printf("  object time  %s (newest message in the object)%n", found.key().time());
            if (found.object().storedAt() != null) {
                out.printf("  stored at    %s%n", found.object().storedAt());
            }
            out.printf("  latency      %s (INSERT to stored object)%n", Durations.format(latency));
        }
        out.flush();
        return ExitCodes.PASS;
    }

    private int notFound(Map<String, Object> report, TracerSearch.NotFound nf, String app, ArchiveReader store,
                         String logStatement, PrintWriter out) {
        List<String> causes = new ArrayList<>();
        if (!logStatement.equals("mod") && !logStatement.equals("all")) {
            causes.add("statement logging is off in this session (log_statement = " + logStatement + "): heroku"
                    + " pg:settings:log-statement mod --app " + app + ", then run doctor");
        }
        causes.add("the drain is missing or failing: heroku drains --app " + app + " should list the receiver's"
                + " URL; doctor's drain-activity check shows whether any object arrived lately");
        causes.add("wrong --app or --store: looked under " + store.describe() + "/" + ObjectKeyLayout.appPrefix(app));
        causes.add("statement logging not effective for the role (log_statement is read at login; doctor's"
                + " statement-logging check shows the role's own setting)");
        causes.add("slower propagation than --timeout " + Durations.format(timeout)
                + " allows: run again with --timeout 5m");
        report.put("result", "FAIL");
        report.put("reason", "tracer not found within " + Durations.format(timeout));
        report.put("polls", nf.polls());
        report.put("likely_causes", causes);
        if (json) {
            out.println(JsonOutput.write(report));
        } else {
            out.printf("FAIL  tracer %s not found within %s (%d objects read in %d polls)%n", report.get("tag"),
                    Durations.format(timeout), nf.objectsRead(), nf.polls());
            out.printf("  insert time  %s (database clock)%n", report.get("insert_time"));
            out.println("  likely causes:");
            for (String cause : causes) {
                out.println("    - " + cause);
            }
        }
        out.flush();
        return ExitCodes.FAILED;
    }

    /** The INSERT failed: a permission problem is a failed check (1); anything else is configuration (2). */
    private int refused(Map<String, Object> report, SQLException e, DatabaseUrl url, PrintWriter out) {
        String message = RoleSession.oneLine(url.redact(e.getMessage()));
        if (!"42501".equals(e.getSQLState())) {
            throw new ConfigurationException("the tracer INSERT failed: " + message
                    + (statement == null ? " (use --statement for another schema)" : ""), e);
        }
        report.put("result", "FAIL");
        report.put("reason", "the tracer INSERT was refused: " + message);
        if (json) {
            out.println(JsonOutput.write(report));
        } else {
            out.println("FAIL  the tracer INSERT was refused: " + message);
            out.println("  the role needs INSERT on the audit table: GRANT INSERT, SELECT ON TABLE " + table + " TO "
                    + report.get("role") + ";   (then run doctor)");
        }
        out.flush();
        return ExitCodes.FAILED;
    }

    /** Progress on stderr while polling: when new objects arrive, and every 10 seconds otherwise. */
    static final class ProgressPrinter implements TracerSearch.Progress {
        private final PrintWriter err;
        private long lastPrintedSecond = -1;

        ProgressPrinter(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void polled(int poll, Duration elapsed, int newObjects, int objectsRead) {
            long second = elapsed.toSeconds();
            if (newObjects > 0 || lastPrintedSecond < 0 || second - lastPrintedSecond >= 10) {
                err.printf("  %5s  poll %d: %d new object%s, %d read so far%n", Durations.format(
                        Duration.ofSeconds(second)), poll, newObjects, newObjects == 1 ? "" : "s", objectsRead);
                err.flush();
                lastPrintedSecond = second;
            }
        }

        @Override
        public void skipped(String key, String reason) {
            err.printf("  skipped %s: %s%n", key, reason);
            err.flush();
        }
    }
}
