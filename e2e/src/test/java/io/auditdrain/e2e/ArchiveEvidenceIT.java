package io.auditdrain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.digest.DigestLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The evidence chain an auditor relies on, with real components: the receiver's request handling and its S3 store
 * take a day of Logplex traffic across every hour, the digester's Lambda handler (in-process) signs a digest per
 * hour with moto's KMS as its schedule does, then the archive is tampered with four ways and verify-archive must
 * name each, exactly. (ArchiveTamperIT lets the digester run again after each tamper.)
 */
class ArchiveEvidenceIT {

    private static final String APP = "acme-api-prod";
    private static final Instant DAY = Instant.parse("2026-03-14T00:00:00Z");

    private EvidenceArchive archive;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        archive = new EvidenceArchive(dir, 20260314, APP);
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    @Test
    void a_tampered_day_is_reported_interval_by_interval_naming_each_change() throws Exception {
        // A day of traffic: three batches an hour (statements in two chunks among router lines), none at 04:00; the
        // digester closes each hour 10 minutes after its end.
        Map<Integer, List<String>> keysByHour = new TreeMap<>();
        for (int hour = 0; hour < 24; hour++) {
            Instant start = DAY.plus(Duration.ofHours(hour));
            if (hour != 4) {
                for (int minute : new int[] {5, 25, 45}) {
                    keysByHour.computeIfAbsent(hour, h -> new ArrayList<>())
                            .add(archive.post(APP, start.plus(Duration.ofMinutes(minute)).plusSeconds(21)));
                }
            }
            archive.runDigester(start.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(12)));
        }
        assertEquals(24, archive.s3.listObjectsV2(r -> r.bucket(archive.bucket).prefix(DigestLayout.appPrefix(APP)))
                .keyCount());
        VerifierRun clean = verify("--json").assertExit(0, "an untouched day is valid");
        assertEquals(69, EvidenceArchive.json(clean).get("summary").get("objects_checked").asInt());

        String deleted = keysByHour.get(3).get(1);
        archive.deleteMarker(deleted);
        String overwritten = keysByHour.get(9).get(0);
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(overwritten).contentEncoding("gzip"),
                RequestBody.fromBytes(archive.read(keysByHour.get(9).get(2))));
        String foreign = new ObjectKey(APP, DAY.plus(Duration.ofHours(15)).plusSeconds(1234).toEpochMilli(),
                UUID.randomUUID()).toString();
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(foreign), RequestBody.fromBytes(
                archive.read(keysByHour.get(15).get(0))));
        String removedDigest = DigestLayout.key(APP, DAY.plus(Duration.ofHours(20)));
        archive.deleteMarker(removedDigest);

        VerifierRun text = verify().assertExit(1, "the tampered day fails");
        System.out.println("verify-archive on the tampered day:\n" + text.out());
        JsonNode report = EvidenceArchive.json(verify("--json").assertExit(1, ""));

        Map<String, String> failing = new LinkedHashMap<>();
        Map<String, List<String>> findings = new LinkedHashMap<>();
        for (JsonNode i : report.get("intervals")) {
            if (!i.get("status").asText().equals("valid")) {
                failing.put(i.get("start").asText(), i.get("status").asText());
            }
            for (JsonNode f : i.get("findings")) {
                findings.computeIfAbsent(i.get("start").asText(), k -> new ArrayList<>())
                        .add(f.get("kind").asText() + " " + f.get("key").asText());
            }
        }
        assertEquals(Map.of("2026-03-14T03:00:00Z", "missing_object", "2026-03-14T09:00:00Z", "modified",
                "2026-03-14T15:00:00Z", "extra_object", "2026-03-14T20:00:00Z", "digest_deleted"), failing,
                text.out());
        assertEquals(Map.of("2026-03-14T03:00:00Z", List.of("missing_object " + deleted),
                "2026-03-14T09:00:00Z", List.of("modified " + overwritten),
                "2026-03-14T15:00:00Z", List.of("extra_object " + foreign),
                "2026-03-14T20:00:00Z", List.of("digest_deleted " + removedDigest)), findings, text.out());
        JsonNode summary = report.get("summary");
        assertEquals(20, summary.get("valid").asInt());
        assertEquals(24, report.get("intervals").size());
        assertTrue(text.out().contains("FAIL  4 intervals with findings"), text.out());
    }

    private VerifierRun verify(String... extra) {
        return archive.verify(Instant.parse("2026-03-15T01:00:00Z"), APP, DAY, DAY.plus(Duration.ofDays(1)), extra);
    }
}
