package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.search.ArchiveSearch;
import io.auditdrain.verifier.search.MatchFormat;
import io.auditdrain.verifier.store.ArchiveReader;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code search}: the statements the archive holds for a range, as records an auditor can export. */
@Command(name = "search", mixinStandardHelpOptions = true, versionProvider = VerifierCli.Version.class,
        sortOptions = false, usageHelpWidth = 100, usageHelpAutoWidth = true,
        description = {
            "Print every statement the app's Postgres logged in a time range (statement:, execute <name>: and"
                    + " pgaudit AUDIT: lines) as one record each: time, pid, session id, log line, user, database,"
                    + " statement text (its [N-M] chunks joined, across objects too), bind parameters and the"
                    + " object key. Only the keys of the range are listed; each object is read once.",
            "",
            "Records go to stdout as text, JSON Lines or CSV, in time order (times with milliseconds); progress, a"
                    + " summary and a warning for each statement printed incomplete go to stderr.",
            "",
            "Exit status: 0 some statement matched, 1 none did, 2 usage, configuration or connection error."},
        footer = {"", "Examples:",
            "  # every INSERT/UPDATE/DELETE on customer_audit_events in March, as CSV",
            "  java -jar auditdrain-verifier.jar search --app my-app --store s3://my-drain-bucket \\",
            "      --from 2026-03-01 --to 2026-04-01 --table customer_audit_events --format csv > march.csv",
            "",
            "  java -jar auditdrain-verifier.jar search --app my-app --from 2026-03-14T13:00Z --to 2026-03-14T14:00Z \\",
            "      --role raptor_app --contains cus_42 --format jsonl"})
public final class SearchCommand implements Callable<Integer> {

    /** Progress on stderr at most this often. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @ParentCommand
    VerifierCli cli;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    TimeRangeOptions range;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "Only statements that write this table (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE);"
                    + " schema-qualified or not.")
    String table;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "Only statements of this login role (the log prefix's user=, the session user).")
    String role;

    @Option(names = "--contains", paramLabel = "TEXT",
            description = "Only statements whose text or bind parameters contain TEXT (case-sensitive).")
    String contains;

    @Option(names = "--verifier-role", paramLabel = "ROLE",
            description = "The restricted role smoke and doctor run as: its tracer INSERTs and doctor's capture-probe"
                    + " statements, logged by ROLE and by no other role, are marked (text: [verifier tracer],"
                    + " [verifier probe]; jsonl and csv: the verifier field). The same text logged by another role"
                    + " is that role's write, never marked.")
    String verifierRole;

    @Option(names = "--without-verifier",
            description = "Leave the statements --verifier-role marks out of the records.")
    boolean withoutVerifier;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, jsonl (one JSON object per line) or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--margin", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "Objects named up to this long after --to are read too: an object is named after its"
                    + " newest line, so it can hold older ones (default: ${DEFAULT-VALUE}).")
    Duration margin;

    @Override
    public Integer call() {
        String app = target.app();
        Instant end = range.to(cli.clock());
        MatchFormat output = switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> MatchFormat.TEXT;
            case "jsonl", "json-lines", "ndjson" -> MatchFormat.JSONL;
            case "csv" -> MatchFormat.CSV;
            default -> throw new ConfigurationException("--format must be text, jsonl or csv: " + format);
        };
        if (withoutVerifier && verifierRole == null) {
            throw new ConfigurationException("--without-verifier needs --verifier-role: the verifier's statements are"
                    + " recognised only where its role logged them");
        }
        ArchiveSearch.Criteria criteria = new ArchiveSearch.Criteria(range.from(), end,
                Optional.ofNullable(table).map(SqlIdentifier::of), Optional.ofNullable(role).map(r ->
                        SqlIdentifier.role(r).name()), Optional.ofNullable(contains).filter(c -> !c.isEmpty()), margin,
                Optional.ofNullable(verifierRole).map(r -> SqlIdentifier.role(r).name()), withoutVerifier);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ArchiveReader store = ArchiveReader.open(target.store(), cli.environment())) {
            output.start(out);
            ArchiveSearch.Summary summary = new ArchiveSearch(store, app, new ProgressPrinter(err, store.describe()
                    + "/logs/" + app + "/")).search(criteria, match -> output.print(out, match));
            out.flush();
            err.printf("search: %d statement%s matched; %d of %d object%s read, %d Postgres message%s in them"
                            + " (%d joined across objects)%n", summary.matches(), summary.matches() == 1 ? "" : "s",
                    summary.objectsRead(), summary.objectsListed(), summary.objectsListed() == 1 ? "" : "s",
                    summary.messagesRead(), summary.messagesRead() == 1 ? "" : "s", summary.joinedAcrossObjects());
            if (summary.incomplete() > 0 || summary.incompleteUnmatched() > 0) {
                err.printf("search: warning: %d record%s printed incomplete; %d incomplete message%s of the range did"
                                + " not match as far as their chunks go%n", summary.incomplete(),
                        summary.incomplete() == 1 ? "" : "s", summary.incompleteUnmatched(),
                        summary.incompleteUnmatched() == 1 ? "" : "s");
            }
            err.flush();
            return summary.matches() > 0 ? ExitCodes.PASS : ExitCodes.FAILED;
        }
    }

    /** The object count once listed, then progress every 5 seconds, on stderr. */
    static final class ProgressPrinter implements ArchiveSearch.Progress {
        private final PrintWriter err;
        private final String where;
        private final ProgressTimer timer = new ProgressTimer(PROGRESS_EVERY);

        ProgressPrinter(PrintWriter err, String where) {
            this.err = err;
            this.where = where;
        }

        @Override
        public void listed(int objects) {
            err.printf("search: %d object%s to read under %s%n", objects, objects == 1 ? "" : "s", where);
            err.flush();
        }

        @Override
        public void read(int objectsRead, int objects, int matches) {
            if (objectsRead < objects) {
                timer.due().ifPresent(elapsed -> {
                    err.printf("  %s  %d of %d objects read, %d statement%s matched%n", elapsed, objectsRead, objects,
                            matches, matches == 1 ? "" : "s");
                    err.flush();
                });
            }
        }

        @Override
        public void skipped(String key, String reason) {
            err.printf("  skipped %s: %s%n", key, reason);
            err.flush();
        }

        @Override
        public void warning(String warning) {
            err.printf("search: warning: %s%n", warning);
            err.flush();
        }
    }
}
