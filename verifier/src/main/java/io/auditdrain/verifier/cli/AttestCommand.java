package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.attest.AccessMatrixFile;
import io.auditdrain.verifier.attest.AccessSection;
import io.auditdrain.verifier.attest.ArchiveIntegrity;
import io.auditdrain.verifier.attest.ArchiveWriters;
import io.auditdrain.verifier.attest.AttestProgress;
import io.auditdrain.verifier.attest.Attestation;
import io.auditdrain.verifier.attest.AttestationBuilder;
import io.auditdrain.verifier.attest.AttestationFiles;
import io.auditdrain.verifier.attest.ChromiumPdf;
import io.auditdrain.verifier.attest.ContinuousProofSection;
import io.auditdrain.verifier.attest.ControlClaim;
import io.auditdrain.verifier.attest.IntegritySection;
import io.auditdrain.verifier.attest.ParameterRotations;
import io.auditdrain.verifier.attest.RecordFinding;
import io.auditdrain.verifier.attest.ReportFormat;
import io.auditdrain.verifier.attest.WritersSection;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.schedule.SsmParameterReader;
import io.auditdrain.verifier.store.ArchiveReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ssm.SsmClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code attest}: an app's period as an auditor needs it, in one HTML report, a JSON document and, asked, a PDF. */
@Command(name = "attest", mixinStandardHelpOptions = true, versionProvider = VerifierCli.Version.class,
        sortOptions = false, usageHelpWidth = 100, usageHelpAutoWidth = true,
        description = {
            "Build an app's attestation for a period from the archive alone (read access and the digests' public"
                    + " key; no database, no KMS rights with --public-key): continuous proof from the scheduled"
                    + " verification's run records (runs expected, recorded, passed, failed; every gap and failure;"
                    + " smoke's latency), integrity (verify-archive over the period), who wrote the audit tables, the"
                    + " deployment's access matrix and credential rotations, and the SOC 2 criteria these support."
                    + " Every statement names the objects it rests on.",
            "",
            "Writes a self-contained HTML report (charts inlined, opens without a network), a JSON document with the"
                    + " same facts beside it, and with --pdf a PDF printed from the same HTML by headless Chromium.",
            "",
            "Exit status: 0 the period has no exception, 1 it has (gaps, failures, altered records, integrity"
                    + " findings, writers not allowed: all listed), 2 usage, configuration or connection error."},
        footer = {"", "Examples:",
            "  java -jar auditdrain-verifier.jar attest --app my-app --store s3://my-drain-bucket \\",
            "      --from 2026-01-01 --to 2026-04-01 --public-key digests-key.der \\",
            "      --access-matrix docs/access-matrix.md --output q1-my-app.html --pdf"})
public final class AttestCommand implements Callable<Integer> {

    /**
     * The reference schema's audit and history tables: with no database, attest cannot find them in the catalog as
     * doctor does, so another schema names its own.
     */
    static final String REFERENCE_AUDIT_TABLES = "customer_audit_events,users_history,sessions_history,"
            + "passkeys_history,subscriptions_history,positions_history,trades_history";

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final Pattern PARAMETER = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

    @ParentCommand
    VerifierCli cli;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    TimeRangeOptions range;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "15m", converter = DurationConverter.class,
            description = "The scheduled verification's interval (Terraform's verifier_interval_minutes; default:"
                    + " ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--slack", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How late a run may be before the time since the last one is a gap: a gap is longer than"
                    + " the interval plus this (default: half the interval).")
    Duration slack;

    @Mixin
    DigestCheckOptions digestKeys;

    @Option(names = "--audit-tables", paramLabel = "TABLE", split = ",",
            defaultValue = REFERENCE_AUDIT_TABLES,
            description = "The audit and history tables whose writers are counted (bare names are in public;"
                    + " default: ${DEFAULT-VALUE}). Env: AUDITDRAIN_AUDIT_TABLES.")
    @FromEnvironment("AUDITDRAIN_AUDIT_TABLES")
    List<String> auditTables;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "raptor_app",
            description = "The application's restricted role, allowed to write the audit tables (default:"
                    + " ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--allowed-writers", paramLabel = "ROLE", split = ",",
            defaultValue = DoctorCommand.DEFAULT_ALLOWED_WRITERS,
            description = "Roles besides --role that may write the audit tables (default: ${DEFAULT-VALUE}; ''"
                    + " allows none). Env: AUDITDRAIN_ALLOWED_WRITERS.")
    @FromEnvironment("AUDITDRAIN_ALLOWED_WRITERS")
    List<String> allowedWriters;

    @Option(names = "--access-matrix", paramLabel = "FILE",
            description = "The deployment's access matrix to embed as documented: Markdown tables"
                    + " (docs/access-matrix.md) or JSON.")
    Path accessMatrix;

    @Option(names = "--rotations",
            description = "Read when the app's drain secret and the scheduled verification's database URL were last"
                    + " rotated, from SSM's parameter history (ssm:GetParameterHistory; dates and versions, never"
                    + " values).")
    boolean rotations;

    @Option(names = "--parameter-prefix", paramLabel = "PREFIX", defaultValue = "/auditdrain/apps",
            description = "Where the drain secrets are (<prefix>/<app>/secret; default: ${DEFAULT-VALUE}). Env:"
                    + " AUDITDRAIN_PARAMETER_PREFIX.")
    @FromEnvironment("AUDITDRAIN_PARAMETER_PREFIX")
    String parameterPrefix;

    @Option(names = "--database-url-parameter", paramLabel = "NAME",
            defaultValue = "/auditdrain/verifier/database-url",
            description = "The scheduled verification's database URL parameter (default: ${DEFAULT-VALUE}). Env:"
                    + " AUDITDRAIN_DATABASE_URL_PARAMETER.")
    @FromEnvironment("AUDITDRAIN_DATABASE_URL_PARAMETER")
    String databaseUrlParameter;

    @Option(names = "--output", paramLabel = "FILE",
            description = "The HTML report; the JSON document is written beside it (.json), and the PDF (.pdf)"
                    + " (default: attestation-APP-FROM-TO.html here).")
    Path output;

    @Option(names = "--pdf", description = "Also print the report to PDF with headless Chromium.")
    boolean pdf;

    @Option(names = "--chromium", paramLabel = "PATH",
            description = "The Chromium to print with (default: chromium, chromium-browser or google-chrome on the"
                    + " PATH). Env: AUDITDRAIN_CHROMIUM.")
    @FromEnvironment("AUDITDRAIN_CHROMIUM")
    String chromium;

    @Option(names = "--json", description = "Print the JSON document on stdout instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String app = target.app();
        Instant from = range.from();
        Instant to = range.to(cli.clock());
        if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ConfigurationException("--interval must be at least 1m: " + Durations.format(interval));
        }
        Duration allowedLate = slack != null ? slack : interval.dividedBy(2);
        List<SqlIdentifier> tables = auditTables.stream().filter(t -> !t.isBlank()).map(SqlIdentifier::of).toList();
        if (tables.isEmpty()) {
            throw new ConfigurationException("--audit-tables names no table");
        }
        List<String> others = allowedWriters.stream().filter(w -> !w.isBlank())
                .map(w -> SqlIdentifier.role(w).name()).toList();
        String restricted = SqlIdentifier.role(role).name();
        ArchiveIntegrity integrity = new ArchiveIntegrity(digestKeys.keys(cli.environment()), digestKeys.pending(),
                digestKeys.lateThreshold(), cli.clock());
        AccessSection.Matrix matrix = accessMatrix == null ? null : AccessMatrixFile.read(accessMatrix);
        ChromiumPdf printer = pdf ? ChromiumPdf.locate(chromium, cli.environment()) : null;
        for (String name : List.of(parameterPrefix, databaseUrlParameter)) {
            if (rotations && !PARAMETER.matcher(name).matches()) {
                throw new ConfigurationException("not an SSM parameter path: " + name);
            }
        }
        AttestationFiles files = AttestationFiles.at(output != null ? output : Path.of("attestation-" + app + "-"
                + day(from) + "-" + day(to) + ".html"));
        Supplier<List<AccessSection.Rotation>> rotated = !rotations ? null : () -> {
            try (SsmClient ssm = SsmParameterReader.client(cli.environment())) {
                return new ParameterRotations(ssm).read(app, parameterPrefix, databaseUrlParameter, from, to);
            }
        };

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Attestation attestation;
        try (ArchiveReader store = ArchiveReader.open(target.store(), cli.environment())) {
            err.printf("attest: reading %s's run records, digests and drained objects in %s, %s to %s%n", app,
                    store.describe(), from, to);
            err.flush();
            AttestProgress progress = new AttestProgress();
            long started = System.nanoTime();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "attest-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(() -> {
                err.printf("  %s  %s%n", elapsed(started), progress.line());
                err.flush();
            }, PROGRESS_EVERY.toSeconds(), PROGRESS_EVERY.toSeconds(), TimeUnit.SECONDS);
            try {
                attestation = new AttestationBuilder(store, integrity, new ArchiveWriters(tables, restricted, others),
                        matrix, rotated, cli.clock()).build(new AttestationBuilder.Request(app, from, to, interval,
                        allowedLate), progress);
            } finally {
                ticker.shutdownNow();
            }
            err.printf("  read in %s: %s%n  %s%n", elapsed(started), progress.line(), progress.timings());
            err.flush();
        }
        byte[] document = files.write(attestation);
        if (printer != null) {
            err.println("  printing the PDF with " + printer.browser());
            err.flush();
            printer.print(files.html(), files.pdf());
        }
        if (json) {
            out.println(new String(document, StandardCharsets.UTF_8).strip());
        } else {
            printSummary(out, attestation, files, printer != null);
        }
        out.flush();
        return attestation.passed() ? ExitCodes.PASS : ExitCodes.FAILED;
    }

    private static String day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
    }

    private static String elapsed(long startedNanos) {
        return ReportFormat.duration(Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds());
    }

    private static void printSummary(PrintWriter out, Attestation a, AttestationFiles files, boolean pdf) {
        ContinuousProofSection p = a.proof();
        IntegritySection i = a.integrity();
        WritersSection w = a.writers();
        out.printf("attest: app %s, store %s, %s to %s%n", a.app(), a.store(), a.from(), a.to());
        ContinuousProofSection.Latency l = p.latency();
        out.printf("  continuous proof  %s of %s runs recorded (every %s): %s passed, %s failed; %d gap%s, %d"
                        + " failure%s; smoke latency median %s, p99 %s, worst %s%n", ReportFormat.number(p.recorded()),
                ReportFormat.number(p.expected()), ReportFormat.duration(p.intervalSeconds()),
                ReportFormat.number(p.passed()), ReportFormat.number(p.failed()), p.gaps().size(),
                plural(p.gaps().size()), p.failures().size(), plural(p.failures().size()),
                ReportFormat.millis(l.medianMs()), ReportFormat.millis(l.p99Ms()), ReportFormat.millis(l.worstMs()));
        List<String> statuses = new ArrayList<>();
        i.statusCounts().forEach((s, n) -> statuses.add(n + " " + s.replace('_', ' ')));
        out.printf("  integrity         %d intervals: %s (signatures checked with the key from %s)%n", i.intervals(),
                String.join(", ", statuses), i.keySource());
        List<String> writers = new ArrayList<>();
        for (WritersSection.TableWriters t : w.writers()) {
            List<String> roles = new ArrayList<>();
            t.roles().forEach(r -> roles.add(r.role() + " " + r.statements() + (r.allowed() ? "" : " NOT ALLOWED")));
            writers.add(t.table() + ": " + String.join(", ", roles));
        }
        out.printf("  who wrote         %s (%d objects read)%n", writers.isEmpty() ? "no logged write to an audit table"
                : String.join("; ", writers), w.objectsRead());
        out.printf("  access            %s; %s%n", a.access().matrix() == null ? "no access matrix given"
                : "access matrix " + a.access().matrix().source() + " (sha256 " + a.access().matrix().sha256() + ")",
                a.access().rotations() == null ? "rotations not read (--rotations)"
                        : a.access().rotations().stream().map(r -> r.parameter() + " " + (r.problem() != null
                                ? r.problem() : "v" + r.version() + " " + r.lastChanged())).reduce((x, y) -> x + ", "
                                + y).orElse(""));
        for (ContinuousProofSection.Gap g : p.gaps()) {
            out.printf("  gap       %s to %s  %s, about %d run%s missing%n", g.start(), g.end(),
                    ReportFormat.duration(g.seconds()), g.missedRuns(), plural(g.missedRuns()));
        }
        for (ContinuousProofSection.Failure f : p.failures()) {
            List<String> checks = new ArrayList<>();
            f.checks().forEach((c, n) -> checks.add(c + " (" + n + ")"));
            out.printf("  failure   %s to %s%s  %s, %d run%s: %s%n      %s%n", f.start(), f.end(),
                    f.ongoing() ? " (ongoing)" : "", ReportFormat.duration(f.seconds()), f.runs(), plural(f.runs()),
                    String.join(", ", checks), f.firstReason());
        }
        for (RecordFinding r : p.recordFindings()) {
            out.printf("  record    %-10s %s%n      %s%n", r.kind(), r.evidence().key(), r.detail());
        }
        for (IntegritySection.Finding f : i.findings()) {
            out.printf("  integrity %-14s %s%n      %s%n", f.kind().replace('_', ' '), f.key(), f.detail());
        }
        List<String> controls = new ArrayList<>();
        for (ControlClaim c : a.controls()) {
            controls.add(c.criterion() + " " + c.status());
        }
        out.printf("  controls          %s (this project's claim, not legal advice)%n", String.join(", ", controls));
        out.printf("wrote %s, %s%s%n", files.html(), files.json(), pdf ? ", " + files.pdf() : "");
        out.println(a.passed() ? "PASS  no exception in the period" : "FAIL  the period has exceptions: "
                + String.join("; ", a.exceptions()));
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
