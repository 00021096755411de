package io.auditdrain.verifier.doctor;

import io.auditdrain.core.CorruptObjectException;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.logs.WriteTally;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Who really writes the audit tables, from the archive rather than the catalog: every Heroku Postgres statement line
 * carries {@code user="..."}, the role that logged in. Over the window (24 hours by default) it lists, per audit and
 * history table, the roles whose logged statements wrote it (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE), and
 * fails when any role other than the restricted one and the allowed ones did. This is what catches the incident
 * (RCA: owner privilege voids append-only): the application connected as the owner, so a doctor run that examines
 * {@code raptor_app} through {@code --set-role} finds nothing wrong with {@code raptor_app}, while the archive shows
 * the owner writing.
 */
public final class WritersCheck implements Check {

    /** Keys stamped a little ahead of this machine's clock still count. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(5);
    /** Objects fetched ahead of the one being read: S3 GETs are slow one at a time, cheap side by side. */
    private static final int READ_AHEAD = 16;
    private static final int READERS = 8;

    @Override
    public String name() {
        return "writers";
    }

    @Override
    public String description() {
        return "the archive shows only the restricted role and the allowed roles writing the audit tables";
    }

    @Override
    public CheckResult run(DoctorContext ctx) throws Exception {
        if (ctx.store().isEmpty() || ctx.app().isEmpty()) {
            return CheckResult.skip(name(), "needs --app and --store");
        }
        if (!ctx.roleExists()) {
            return CheckResult.skip(name(), "the role does not exist");
        }
        ArchiveReader store = ctx.store().get();
        String app = ctx.app().get();
        Instant now = ctx.clock().instant();
        Instant from = now.minus(ctx.writersWindow());
        WriteTally tally = new WriteTally(watchedTables(ctx), from, ctx.role().name());
        List<StoredObject> objects = store.listStamped(app, from, now.plus(CLOCK_SLACK));
        int damaged = read(store, objects, tally);
        tally.finish();

        String role = ctx.role().name();
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add(role);
        allowed.addAll(ctx.allowedWriters());
        String window = "since " + from + " (" + Durations.format(ctx.writersWindow()) + ", " + objects.size()
                + " objects" + (damaged > 0 ? ", " + damaged + " unreadable" : "") + ", "
                + tally.statementLines() + " statement lines)";
        List<String> intruders = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        Set<String> intruderRoles = new LinkedHashSet<>();
        long disguised = 0;
        for (Map.Entry<String, Map<String, WriteTally.Writer>> table : tally.writers().entrySet()) {
            List<String> byRole = new ArrayList<>();
            for (WriteTally.Writer w : table.getValue().values()) {
                String text = w.role() + " " + w.statements() + " (" + String.join(", ", w.commands()) + ", newest "
                        + w.newest() + ")";
                byRole.add(text);
                if (!allowed.contains(w.role())) {
                    intruders.add(table.getKey() + ": " + text);
                    intruderRoles.add(w.role());
                    disguised += w.verifierMarked();
                }
            }
            seen.add(table.getKey() + ": " + String.join(", ", byRole));
        }
        List<String> own = new ArrayList<>();
        if (tally.tracerInserts() > 0) {
            own.add(tally.tracerInserts() + " tracer INSERTs");
        }
        if (tally.probeStatements() > 0) {
            own.add(tally.probeStatements() + " probe statements");
        }
        String tracers = own.isEmpty() ? "" : "; " + String.join(" and ", own) + " of the verifier as " + role
                + " not counted";
        if (!intruders.isEmpty()) {
            String marked = disguised == 0 ? "" : "; " + disguised + " of these carry the verifier's tracer or probe"
                    + " mark, which counts only on " + role + "'s own lines: a smoke or doctor run with --set-role"
                    + " logs under the owner's name, and the archive cannot tell it from an application connected as"
                    + " the owner";
            return CheckResult.fail(name(), "written by roles other than " + String.join(", ", allowed) + " "
                    + window + ": " + String.join("; ", intruders) + marked + tracers, remedy(ctx, intruderRoles)
                    + (disguised == 0 ? "" : " Run smoke and doctor with the restricted role's own URL."));
        }
        if (tally.statementLines() > 0 && tally.statementLinesWithUser() == 0 || tally.writesWithoutUser() > 0) {
            return CheckResult.warn(name(), (tally.writesWithoutUser() > 0 ? tally.writesWithoutUser()
                    + " logged writes to the audit tables" : "the logged statements") + " carry no user= field "
                    + window + ": the archive cannot tell who wrote", "the Postgres log_line_prefix must include"
                    + " user=%u, as Heroku's default prefix does (sql_error_code = %e time_ms = \"%m\" pid=\"%p\" ..."
                    + " user=\"%u\" application_name=\"%a\"); self-hosted: ALTER SYSTEM SET log_line_prefix = ...;"
                    + " SELECT pg_reload_conf();");
        }
        if (tally.statementLines() == 0) {
            return CheckResult.warn(name(), "no logged statement of " + app + " " + window + ": nothing shows who"
                    + " writes the audit tables", "run smoke, which writes and logs a tracer; check statement-logging"
                    + " and drain-activity; or widen --writers-window");
        }
        if (seen.isEmpty()) {
            return CheckResult.pass(name(), "no logged write to an audit table " + window + tracers);
        }
        return CheckResult.pass(name(), "only " + String.join(", ", allowed) + " wrote the audit tables " + window
                + ": " + String.join("; ", seen) + tracers);
    }

    private static String remedy(DoctorContext ctx, Set<String> roles) {
        String app = ctx.appForRemedy();
        return "find what connects as " + String.join(", ", roles) + " (the application's database URL is likely the"
                + " owner's: runbook postgres roles, failure mode D) and point it at the restricted role: heroku"
                + " config:get RAPTOR_APP_DATABASE_URL --app " + app + " must be postgres://" + ctx.role().name()
                + ":...; then rotate the owner's credential (heroku pg:credentials:rotate DATABASE --app " + app
                + "). A role that may write (for example audit_archiver for data-subject requests) belongs in"
                + " --allowed-writers.";
    }

    /**
     * The audit tables as the catalog names them (schema and name, so that qualified and bare names both match), and
     * every view that reads one of them, directly or through other views, under the view's own name: an INSERT,
     * UPDATE or DELETE through a view writes its table.
     */
    private static List<WriteTally.Table> watchedTables(DoctorContext ctx) throws Exception {
        List<WriteTally.Table> tables = new ArrayList<>();
        for (AuditObjects.AuditTable t : ctx.audit().auditTables()) {
            tables.add(new WriteTally.Table(t.schema(), t.name(), t.relation()));
        }
        for (AuditObjects.View v : ctx.audit().views(ctx.session().connection())) {
            tables.add(new WriteTally.Table(v.schema(), v.name(), ctx.audit().relation(v.baseOid())));
        }
        return tables;
    }

    /** Reads the objects in key order, fetching a few ahead in parallel; returns how many could not be read. */
    private static int read(ArchiveReader store, List<StoredObject> objects, WriteTally tally) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(READERS, r -> {
            Thread t = new Thread(r, "archive-reader");
            t.setDaemon(true);
            return t;
        });
        int damaged = 0;
        try {
            Deque<Future<Optional<List<String>>>> ahead = new ArrayDeque<>();
            int next = 0;
            while (next < objects.size() || !ahead.isEmpty()) {
                while (next < objects.size() && ahead.size() < READ_AHEAD) {
                    String key = objects.get(next++).key();
                    ahead.add(readers.submit(() -> {
                        try {
                            return Optional.of(store.readMessages(key));
                        } catch (CorruptObjectException e) {
                            return Optional.empty();
                        }
                    }));
                }
                Optional<List<String>> lines;
                try {
                    lines = ahead.removeFirst().get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                if (lines.isEmpty()) {
                    damaged++;
                    continue;
                }
                for (String line : lines.get()) {
                    LogplexMessage.parse(line).ifPresent(tally::accept);
                }
            }
        } finally {
            readers.shutdownNow();
        }
        return damaged;
    }
}
