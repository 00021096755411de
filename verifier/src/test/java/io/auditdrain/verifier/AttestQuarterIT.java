package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.core.ProofKey;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.testing.browser.HeadlessChromium;
import io.auditdrain.verifier.attest.ReportFormat;
import io.auditdrain.verifier.proof.ProofRecord;
import io.auditdrain.verifier.proof.ProofRecordJson;
import io.auditdrain.verifier.proof.ProofRecordStore;
import io.auditdrain.verifier.testsupport.JdkDigestSigner;
import io.auditdrain.verifier.testsupport.SyntheticEvidence;
import io.auditdrain.verifier.testsupport.SyntheticEvidence.Failing;
import io.auditdrain.verifier.testsupport.SyntheticEvidence.Run;
import io.auditdrain.verifier.testsupport.SyntheticEvidence.Window;
import io.auditdrain.verifier.testsupport.TestBucket;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A quarter of synthetic evidence in moto's S3, as the scheduled verification, the drain and the digester leave it,
 * with known gaps, failures and tampering: a record deleted, one replaced by a forged PASS, one deleted with its
 * whole history, a damaged record, a foreign file under proof/, and a drained object overwritten. attest must state
 * each exactly; then its report is opened in headless Chromium as a person would see it, and printed to PDF.
 * The report, its JSON, the PDF and the screenshots stay under target/attest-quarter/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttestQuarterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "raxx-quarter";
    private static final Instant FROM = Instant.parse("2026-07-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-10-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-10-01T09:00:00Z"), ZoneOffset.UTC);
    private static final Path OUT = Path.of("target", "attest-quarter");
    /**
     * The digests are written in one run after the quarter (a quarter digested on schedule takes moto many minutes;
     * AttestIT digests on schedule): attest is told to accept digests written up to this long after their interval.
     */
    private static final Duration BACKFILLED = Duration.between(FROM, NOW.instant()).plusHours(1);

    private static final Window OUTAGE = window("2026-08-03T02:00:00Z", "2026-08-03T05:00:00Z");
    private static final Window MISSED = window("2026-09-09T10:30:00Z", "2026-09-09T10:45:00Z");
    private static final Failing SMOKE_FAILS = new Failing(window("2026-07-21T13:00:00Z", "2026-07-21T13:45:00Z"),
            "smoke", "the tracer was not found within 2m");
    private static final Failing LOGGING_OFF = new Failing(window("2026-09-28T22:15:00Z", "2026-09-28T22:30:00Z"),
            "statement-logging", "log_statement is none for raptor_app (set in the database)");
    /** The slot whose record is deleted with its whole history: a gap, and a missing object of its digest. */
    private static final Window ERASED = window("2026-08-20T12:15:00Z", "2026-08-20T12:30:00Z");
    private static final LocalDate TAMPERED_DAY = LocalDate.parse("2026-07-15");

    private TestBucket bucket;
    private List<Run> runs;
    private Run deleted;
    private Run replaced;
    private Run erased;
    private String damagedKey;
    private String foreignKey;
    private String tamperedObject;
    private VerifierRun attest;
    private JsonNode a;
    private Duration attestTook;

    private static Window window(String start, String end) {
        return new Window(Instant.parse(start), Instant.parse(end));
    }

    @BeforeAll
    void build_a_quarter_tamper_with_it_and_attest_it() throws Exception {
        bucket = new TestBucket().configuredAsReference();
        JdkDigestSigner signer = new JdkDigestSigner();
        Files.createDirectories(OUT);
        Path key = Files.write(OUT.resolve("digests-key.der"), signer.publicKeyDer());
        SyntheticEvidence.Plan plan = new SyntheticEvidence.Plan(APP, FROM, TO, Duration.ofMinutes(15),
                List.of(OUTAGE, MISSED), List.of(SMOKE_FAILS, LOGGING_OFF), SyntheticEvidence.Tracers.PER_DAY, 2026);
        try (ProofRecordStore records = ProofRecordStore.open(StoreLocation.parse(bucket.store()),
                new Environment(bucket.environment()))) {
            runs = SyntheticEvidence.write(plan, records, bucket.objects(), 8);
        }
        SyntheticEvidence.digestAfterwards(bucket.s3(), bucket.name(), APP, Duration.ofDays(1), NOW.instant(), signer);

        var s3 = bucket.s3();
        String b = bucket.name();
        List<Run> smokeFailed = runs.stream().filter(r -> SMOKE_FAILS.window().contains(r.time())).toList();
        deleted = smokeFailed.get(1);
        s3.deleteObject(r -> r.bucket(b).key(deleted.key().toString()));
        replaced = runs.stream().filter(r -> LOGGING_OFF.window().contains(r.time())).findFirst().orElseThrow();
        ProofRecord forged = runs.stream().filter(r -> r.record().passed()).findFirst().orElseThrow().record();
        ProofRecord pass = new ProofRecord(APP, replaced.record().runId(), replaced.record().startedAt(),
                replaced.record().finishedAt(), "0.1.0", forged.smoke(), forged.doctor(), null);
        s3.putObject(r -> r.bucket(b).key(replaced.key().toString()), RequestBody.fromBytes(
                ProofRecordJson.write(pass)));
        erased = runs.stream().filter(r -> ERASED.contains(r.time())).findFirst().orElseThrow();
        s3.listObjectVersions(r -> r.bucket(b).prefix(erased.key().toString())).versions().forEach(v ->
                s3.deleteObject(r -> r.bucket(b).key(v.key()).versionId(v.versionId())));
        damagedKey = new ProofKey(APP, Instant.parse("2026-08-11T08:07:00Z").toEpochMilli(), UUID.randomUUID())
                .toString();
        s3.putObject(r -> r.bucket(b).key(damagedKey), RequestBody.fromString("{\"format\":1,\"app\":"));
        foreignKey = "proof/" + APP + "/2026/08/11/notes.json";
        s3.putObject(r -> r.bucket(b).key(foreignKey), RequestBody.fromString("{}"));
        tamperedObject = SyntheticEvidence.dayObject(APP, TAMPERED_DAY).toString();
        s3.putObject(r -> r.bucket(b).key(tamperedObject), RequestBody.fromString("rewritten history"));

        Path matrix = OUT.resolve("access-matrix.md");
        Files.copy(AttestQuarterIT.class.getResourceAsStream("attest/access-matrix.md"), matrix,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long started = System.nanoTime();
        Map<String, String> env = new java.util.HashMap<>(bucket.environment());
        env.put("PATH", System.getenv("PATH")); // where --pdf finds Chromium
        if (System.getenv("AUDITDRAIN_CHROMIUM") != null) {
            env.put("AUDITDRAIN_CHROMIUM", System.getenv("AUDITDRAIN_CHROMIUM"));
        }
        attest = VerifierRun.run(env, NOW, "attest", "--app", APP, "--store", bucket.store(),
                "--from", "2026-07-01", "--to", "2026-10-01", "--public-key", key.toString(), "--pending",
                BACKFILLED.toHours() + "h", "--access-matrix",
                matrix.toString(), "--output", OUT.resolve("report.html").toString(), "--pdf");
        attestTook = Duration.ofNanos(System.nanoTime() - started);
        // For a reader of the build folder; the time is measured in the bench (scripts/bench --only attest), not here.
        Files.writeString(OUT.resolve("attest-output.txt"), attest.output() + "\nwall time: " + attestTook + "\n");
        a = JSON.readTree(OUT.resolve("report.json").toFile()).get("attestation");
    }

    /** The runs attest can count: every written run but the one erased with its history. */
    private List<Run> counted() {
        return runs.stream().filter(r -> r != erased).toList();
    }

    @Test
    void the_quarter_is_8832_runs_expected_and_every_run_on_record_but_the_erased_one_is_counted() {
        attest.assertExit(ExitCodes.FAILED);
        JsonNode proof = a.get("proof");
        assertEquals(92 * 96, proof.get("expected").asInt());
        assertEquals(92 * 96 - 12 - 1, runs.size(), "the plan: an outage of 12 runs and one missed run");
        assertEquals(runs.size() - 1, proof.get("recorded").asInt(), "the erased record cannot be counted");
        assertEquals(4, proof.get("failed").asInt(), "3 smoke failures (one record deleted) and 1 replaced by a PASS");
        assertEquals(runs.size() - 1 - 4, proof.get("passed").asInt());
        assertEquals(runs.size() - 1, a.get("runs").size());
    }

    @Test
    void each_gap_is_stated_from_the_last_record_before_it_to_the_first_after_with_the_runs_missing() {
        List<Map<String, String>> expected = new ArrayList<>();
        for (Instant[] g : List.of(around(OUTAGE.start()), around(ERASED.start()), around(MISSED.start()))) {
            Map<String, String> gap = new LinkedHashMap<>();
            gap.put("start", g[0].toString());
            gap.put("end", g[1].toString());
            expected.add(gap);
        }
        List<Map<String, String>> stated = new ArrayList<>();
        for (JsonNode g : a.get("proof").get("gaps")) {
            Map<String, String> gap = new LinkedHashMap<>();
            gap.put("start", g.get("start").asText());
            gap.put("end", g.get("end").asText());
            stated.add(gap);
        }
        assertEquals(expected, stated);
        JsonNode gaps = a.get("proof").get("gaps");
        assertEquals(List.of(12, 1, 1), List.of(gaps.get(0).get("missed_runs").asInt(), gaps.get(1).get("missed_runs")
                .asInt(), gaps.get(2).get("missed_runs").asInt()));
        assertEquals(keyBefore(OUTAGE.start()), gaps.get(0).get("before").get("key").asText());
        assertEquals(keyAfter(OUTAGE.start()), gaps.get(0).get("after").get("key").asText());
        for (JsonNode g : gaps) {
            assertTrue(attest.out().contains("  gap       " + g.get("start").asText() + " to " + g.get("end").asText()),
                    attest.output());
        }
    }

    @Test
    void each_failure_is_stated_from_its_first_failed_run_to_the_next_passed_one_with_its_checks() {
        JsonNode failures = a.get("proof").get("failures");
        assertEquals(2, failures.size(), failures.toString());
        List<Run> smoke = counted().stream().filter(r -> SMOKE_FAILS.window().contains(r.time())).toList();
        JsonNode first = failures.get(0);
        assertEquals(smoke.get(0).time().toString(), first.get("start").asText());
        assertEquals(keyAfter(SMOKE_FAILS.window().end().minusSeconds(1)), first.get("recovered_by").get("key")
                .asText());
        assertEquals(timeAfter(SMOKE_FAILS.window().end().minusSeconds(1)).toString(), first.get("end").asText());
        assertEquals(3, first.get("runs").asInt(), "the deleted record's run still counts: its version is kept");
        assertEquals("{\"smoke\":3}", first.get("checks").toString());
        assertEquals("smoke: the tracer was not found within 2m", first.get("first_reason").asText());
        JsonNode second = failures.get(1);
        assertEquals(replaced.time().toString(), second.get("start").asText());
        assertEquals(1, second.get("runs").asInt(), "replacing the record with a PASS does not hide the failure");
        assertEquals("{\"statement-logging\":1}", second.get("checks").toString());
        assertEquals(replaced.key().toString(), second.get("records").get(0).get("key").asText());
    }

    @Test
    void each_record_not_as_its_run_wrote_it_is_a_finding_naming_its_key() {
        Map<String, String> findings = new LinkedHashMap<>();
        a.get("proof").get("record_findings").forEach(f -> findings.put(f.get("evidence").get("key").asText(),
                f.get("kind").asText()));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(deleted.key().toString(), "deleted");
        expected.put(damagedKey, "unreadable");
        expected.put(foreignKey, "foreign");
        expected.put(replaced.key().toString(), "replaced");
        assertEquals(new java.util.TreeMap<>(expected), new java.util.TreeMap<>(findings));
        String detail = a.get("proof").get("record_findings").toString();
        assertTrue(detail.contains("(a delete marker is current); the version"), detail);
        assertTrue(detail.contains("replaced: version"), detail);
    }

    @Test
    void each_tampered_object_and_record_is_an_integrity_finding_naming_its_key_and_digest() {
        JsonNode integrity = a.get("integrity");
        assertEquals(92, integrity.get("intervals").asInt());
        Map<String, Integer> counts = new LinkedHashMap<>();
        integrity.get("status_counts").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() > 0) {
                counts.put(e.getKey(), e.getValue().asInt());
            }
        });
        assertEquals(Map.of("valid", 87, "modified", 2, "missing_object", 2, "extra_object", 1), counts);
        Map<String, String> findings = new java.util.TreeMap<>();
        for (JsonNode f : integrity.get("findings")) {
            findings.put(f.get("key").asText(), f.get("kind").asText());
            LocalDate day = LocalDate.ofInstant(Instant.parse(f.get("interval_start").asText()), ZoneOffset.UTC);
            assertEquals(DigestLayout.key(APP, day.atStartOfDay(ZoneOffset.UTC).toInstant()), f.get("digest").asText(),
                    "each finding names its interval's digest: " + f);
        }
        Map<String, String> expected = new java.util.TreeMap<>();
        expected.put(tamperedObject, "modified");
        expected.put(replaced.key().toString(), "modified");
        expected.put(deleted.key().toString(), "missing_object");
        expected.put(erased.key().toString(), "missing_object");
        expected.put(damagedKey, "extra_object");
        expected.put(foreignKey, "extra_object");
        assertEquals(expected, findings, "the digests cover the run records as they cover the drained objects");
        for (JsonNode run : a.get("runs")) {
            if (run.path("tracer").path("key").asText().equals(tamperedObject)) {
                assertEquals("modified", run.get("tracer").get("digest_status").asText(), run.toString());
            }
        }
        List<Run> sample = counted();
        JsonNode lastRun = a.get("runs").get(a.get("runs").size() - 1);
        assertEquals(sample.get(sample.size() - 1).tracerObject(), lastRun.get("tracer").get("key").asText());
        assertEquals("valid", lastRun.get("tracer").get("digest_status").asText());
        assertEquals("valid", lastRun.get("record").get("digest_status").asText());
    }

    @Test
    void smoke_latency_is_the_median_p99_and_worst_of_the_counted_runs_that_found_their_tracer() {
        long[] latencies = counted().stream().filter(r -> r.record().smoke().latencyMs() != null)
                .mapToLong(r -> r.record().smoke().latencyMs()).sorted().toArray();
        JsonNode latency = a.get("proof").get("latency");
        assertEquals(latencies.length, latency.get("samples").asInt());
        assertEquals(latencies[(int) Math.ceil(0.5 * latencies.length) - 1], latency.get("median_ms").asLong());
        assertEquals(latencies[(int) Math.ceil(0.99 * latencies.length) - 1], latency.get("p99_ms").asLong());
        assertEquals(latencies[latencies.length - 1], latency.get("worst_ms").asLong());
    }

    @Test
    void the_report_states_each_gap_failure_and_finding_with_its_evidence() throws Exception {
        String html = Files.readString(OUT.resolve("report.html"));
        for (JsonNode g : a.get("proof").get("gaps")) {
            assertTrue(html.contains("<td>" + ReportFormat.time(Instant.parse(g.get("start").asText())) + "</td>"),
                    "gap " + g);
        }
        for (JsonNode f : a.get("proof").get("failures")) {
            assertTrue(html.contains("<td>" + ReportFormat.time(Instant.parse(f.get("start").asText())) + "</td>"),
                    "failure " + f);
            assertTrue(html.contains(f.get("records").get(0).get("key").asText()), "failure's record " + f);
        }
        for (String key : List.of(deleted.key().toString(), replaced.key().toString(), damagedKey, foreignKey,
                tamperedObject)) {
            assertTrue(html.contains(key), key + " is named in the report");
        }
        assertTrue(html.contains("<span class=\"verdict fail\">EXCEPTIONS</span>"));
        assertTrue(html.contains("Deny (explicit: `NoVersionDeletes`)"), "the access matrix is embedded");
        assertTrue(html.contains("not legal or audit advice"));
    }

    @Test
    void the_report_renders_in_headless_chromium_with_every_chart_drawn_nothing_loaded_and_no_error()
            throws Exception {
        Path html = OUT.resolve("report.html");
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            HeadlessChromium.Page page = chromium.open(html, 1280, 900);
            assertEquals("drawn", page.evaluate("document.documentElement.getAttribute('data-charts')").asText(),
                    "the page's chart script ran to its end: " + page.errors());
            JsonNode canvases = page.evaluate("""
                    Array.from(document.querySelectorAll('canvas')).map(c => {
                      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      let painted = 0, red = 0, grey = 0;
                      for (let i = 0; i < d.length; i += 4) {
                        if (d[i + 3] === 0) continue;
                        painted++;
                        if (Math.abs(d[i] - 214) < 12 && Math.abs(d[i + 1] - 69) < 12 && Math.abs(d[i + 2] - 53) < 12) red++;
                        if (Math.abs(d[i] - 184) < 10 && Math.abs(d[i + 1] - 192) < 10 && Math.abs(d[i + 2] - 204) < 10) grey++;
                      }
                      return {id: c.id, width: c.width, height: c.height, painted: painted, red: red, grey: grey};
                    })""");
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            canvases.forEach(c -> byId.put(c.get("id").asText(), c));
            assertEquals(List.of("chart-runs", "chart-latency", "chart-timeline", "chart-integrity"),
                    new ArrayList<>(byId.keySet()));
            byId.forEach((id, c) -> assertTrue(c.get("width").asInt() > 200 && c.get("painted").asInt() > 2000,
                    id + " is drawn: " + c));
            assertTrue(byId.get("chart-timeline").get("red").asInt() > 20, "failures are drawn on the timeline: "
                    + byId.get("chart-timeline"));
            assertTrue(byId.get("chart-timeline").get("grey").asInt() > 20, "gaps are drawn on the timeline: "
                    + byId.get("chart-timeline"));
            assertTrue(byId.get("chart-integrity").get("red").asInt() > 0, "the modified day is drawn");
            assertEquals(List.of(), page.errors(), "nothing errors in the console");
            assertEquals(List.of(html.toAbsolutePath().toUri().toString()), page.requests(),
                    "the page loads nothing but itself");
            page.screenshot(OUT.resolve("report.png"), 1500);
            page.screenshot(OUT.resolve("report-full.png"), 0);
        }
        assertTrue(Files.size(OUT.resolve("report.png")) > 50_000, "the screenshot shows something");
    }

    @Test
    void the_pdf_is_printed_from_the_same_html_by_headless_chromium() throws Exception {
        Path pdf = OUT.resolve("report.pdf");
        byte[] bytes = Files.readAllBytes(pdf);
        assertEquals("%PDF-", new String(bytes, 0, 5, StandardCharsets.US_ASCII));
        Matcher pages = Pattern.compile("/Type\\s*/Page[^s]").matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        int n = 0;
        while (pages.find()) {
            n++;
        }
        assertTrue(n >= 3, "a report of several pages: " + n);
        assertTrue(attest.err().contains("printing the PDF with "), attest.output());
    }

    /** The times of the last run before {@code t} and the first run after it, among the counted runs. */
    private Instant[] around(Instant t) {
        return new Instant[] {timeBefore(t), timeAfter(t)};
    }

    private Instant timeBefore(Instant t) {
        return counted().stream().map(Run::time).filter(x -> x.isBefore(t)).reduce((x, y) -> y).orElseThrow();
    }

    private Instant timeAfter(Instant t) {
        return counted().stream().map(Run::time).filter(x -> x.isAfter(t)).findFirst().orElseThrow();
    }

    private String keyBefore(Instant t) {
        return counted().stream().filter(r -> r.time().isBefore(t)).reduce((x, y) -> y).orElseThrow().key().toString();
    }

    private String keyAfter(Instant t) {
        return counted().stream().filter(r -> r.time().isAfter(t)).findFirst().orElseThrow().key().toString();
    }
}
