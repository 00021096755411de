package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.evidence.ArchiveReport;
import io.auditdrain.verifier.evidence.ArchiveVerification;
import io.auditdrain.verifier.evidence.DigestKeys;
import io.auditdrain.verifier.evidence.IntervalStatus;
import io.auditdrain.verifier.store.ArchiveReader;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code verify-archive}: the archive checked against its signed, chained digests, interval by interval. */
@Command(name = "verify-archive", mixinStandardHelpOptions = true, versionProvider = VerifierCli.Version.class,
        sortOptions = false, usageHelpWidth = 100, usageHelpAutoWidth = true,
        description = {
            "Check an app's archive against its signed digests: walk the chain of digests, verify each signature"
                    + " locally, recompute the SHA-256 of every object version a digest lists, and read the version"
                    + " history of the range's digests and objects, so that what was deleted, overwritten or added"
                    + " since shows even where a digest was later rewritten. Each interval is reported valid, late"
                    + " object, extra object, missing object, modified, digest late, digest missing, digest deleted,"
                    + " digest replaced, digest invalid or chain broken (or pending, or before the chain).",
            "",
            "The public key comes from KMS once (--key-id, kms:GetPublicKey) or from an exported key file"
                    + " (--public-key), so that an auditor can check with read access to the bucket alone.",
            "",
            "Exit status: 0 every interval valid (pending allowed), 1 an interval is not, 2 usage, configuration or"
                    + " connection error."},
        footer = {"", "Examples:",
            "  java -jar auditdrain-verifier.jar verify-archive --app my-app --store s3://my-drain-bucket \\",
            "      --from 2026-03-01 --to 2026-04-01 --key-id alias/auditdrain-digests",
            "",
            "  aws kms get-public-key --key-id alias/auditdrain-digests --query PublicKey --output text \\",
            "      | base64 -d > digests-key.der",
            "  java -jar auditdrain-verifier.jar verify-archive --app my-app --store s3://my-drain-bucket \\",
            "      --from 2026-03-14 --to 2026-03-15 --public-key digests-key.der --json"})
public final class VerifyArchiveCommand implements Callable<Integer> {

    /** Progress on stderr at most this often. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    @ParentCommand
    VerifierCli cli;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    TimeRangeOptions range;

    @Mixin
    DigestCheckOptions digestKeys;

    @Option(names = "--json", description = "Print one JSON document instead of text (for CI).")
    boolean json;

    @Override
    public Integer call() {
        String app = target.app();
        Instant end = range.to(cli.clock());
        DigestKeys keys = digestKeys.keys(cli.environment());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ArchiveReader store = ArchiveReader.open(target.store(), cli.environment())) {
            ArchiveReport report = new ArchiveVerification(store, app, keys.verifier(), cli.clock(),
                    digestKeys.pending(), digestKeys.lateThreshold(), new ProgressPrinter(err)).verify(range.from(), end);
            if (json) {
                out.println(JsonOutput.write(document(report, app, store.describe(), keys.source())));
            } else {
                printText(out, report, app, store.describe(), keys.source());
            }
            out.flush();
            return report.passed() ? ExitCodes.PASS : ExitCodes.FAILED;
        }
    }

    private static void printText(PrintWriter out, ArchiveReport r, String app, String store, String keySource) {
        out.printf("verify-archive: app %s, store %s, %s to %s%n", app, store, r.from(), r.to());
        out.printf("  signatures checked with the key from %s%n", keySource);
        for (ArchiveReport.IntervalReport i : r.intervals()) {
            out.printf("  %s  %-16s %5d object%s%s%n", i.start(), i.status().label(), i.objects(),
                    i.objects() == 1 ? " " : "s", i.lateObjects() > 0 ? " (" + i.lateObjects() + " recorded late)" : "");
            for (ArchiveReport.Finding f : i.findings()) {
                out.printf("      %s  %s%n", f.kind().label(), f.key());
                out.printf("          %s%n", f.detail());
            }
        }
        for (String note : r.notes()) {
            out.printf("  note: %s%n", note);
        }
        if (!r.lateObjects().isEmpty()) {
            out.printf("  recorded late (stored after their interval's digest; a finding beyond %s):%n",
                    Durations.format(r.lateThreshold()));
            for (ArchiveReport.LateObject l : r.lateObjects()) {
                out.printf("      %s  stored at %s, %s after its newest line, recorded by %s%s%n", l.key(),
                        l.storedAt(), Durations.formatRounded(l.delay()), l.recordedBy(), l.finding() ? "  LATE" : "");
            }
        }
        out.printf("summary: %s; %d object%s checked (%d recorded late)%n", summaryText(r), r.objectsChecked(),
                r.objectsChecked() == 1 ? "" : "s", r.lateObjects().size());
        long failing = r.intervals().stream().filter(i -> i.status().isFailure()).count();
        out.println(failing == 0 ? "PASS  every interval is valid" : "FAIL  " + failing + " interval"
                + (failing == 1 ? "" : "s") + " with findings");
    }

    private static String summaryText(ArchiveReport r) {
        List<String> parts = new ArrayList<>();
        r.counts().forEach((status, n) -> parts.add(n + " " + status.label()));
        return r.intervals().size() + " interval" + (r.intervals().size() == 1 ? "" : "s") + ": "
                + String.join(", ", parts);
    }

    private static Map<String, Object> document(ArchiveReport r, String app, String store, String keySource) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", "verify-archive");
        doc.put("result", r.passed() ? "PASS" : "FAIL");
        doc.put("app", app);
        doc.put("store", store);
        doc.put("from", r.from());
        doc.put("to", r.to());
        doc.put("key", keySource);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("intervals", r.intervals().size());
        for (IntervalStatus s : IntervalStatus.values()) {
            summary.put(name(s), r.counts().getOrDefault(s, 0));
        }
        summary.put("objects_checked", r.objectsChecked());
        summary.put("late_objects", r.lateObjects().size());
        doc.put("summary", summary);
        List<Map<String, Object>> intervals = new ArrayList<>();
        for (ArchiveReport.IntervalReport i : r.intervals()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", i.start());
            m.put("end", i.end());
            m.put("digest", i.digestKey());
            m.put("status", name(i.status()));
            m.put("objects", i.objects());
            m.put("late_objects", i.lateObjects());
            List<Map<String, Object>> findings = new ArrayList<>();
            for (ArchiveReport.Finding f : i.findings()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("kind", name(f.kind()));
                fm.put("key", f.key());
                fm.put("detail", f.detail());
                findings.add(fm);
            }
            m.put("findings", findings);
            intervals.add(m);
        }
        doc.put("intervals", intervals);
        List<Map<String, Object>> late = new ArrayList<>();
        for (ArchiveReport.LateObject l : r.lateObjects()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("key", l.key());
            lm.put("version_id", l.versionId());
            lm.put("stored_at", l.storedAt());
            lm.put("delay_seconds", l.delay().toSeconds());
            lm.put("recorded_by", l.recordedBy());
            lm.put("finding", l.finding());
            late.add(lm);
        }
        doc.put("late_objects", late);
        doc.put("late_threshold_seconds", r.lateThreshold().toSeconds());
        doc.put("notes", r.notes());
        return doc;
    }

    /** {@code missing_object}: how JSON names a status. */
    static String name(IntervalStatus s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** Progress on stderr every 10 seconds of a long run. */
    static final class ProgressPrinter implements ArchiveVerification.Progress {
        private final PrintWriter err;
        private final ProgressTimer timer = new ProgressTimer(PROGRESS_EVERY);

        ProgressPrinter(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void interval(int done, int total, int objectsChecked) {
            if (done < total) {
                timer.due().ifPresent(elapsed -> {
                    err.printf("  %s  %d of %d intervals, %d objects checked%n", elapsed, done, total, objectsChecked);
                    err.flush();
                });
            }
        }
    }
}
