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
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The evidence must not heal itself. Each test builds an archive as production does (two apps, eight closed hours
 * across midnight, 80 Logplex bodies through the receiver, the digester's handler run hourly by its schedule),
 * tampers with it one way, lets the digester run once more as its schedule does (every 5 minutes in production),
 * and only then asks verify-archive: the finding must survive that run.
 */
class ArchiveTamperIT {

    static final String A = "acme-api";
    static final String B = "acme-web";
    /** Eight hours, 20:00 to 04:00 across midnight. */
    static final Instant FIRST_HOUR = Instant.parse("2026-03-14T20:00:00Z");
    static final int HOURS = 8;
    /** The schedule's run after the tamper: it closes 04:00-05:00. */
    static final Instant NEXT_RUN = FIRST_HOUR.plus(Duration.ofHours(HOURS + 1)).plus(Duration.ofMinutes(12));
    static final Instant VERIFIED_AT = NEXT_RUN.plus(Duration.ofMinutes(18));
    static final Instant RANGE_END = FIRST_HOUR.plus(Duration.ofHours(HOURS + 1));

    /** tamper, then what verify-archive says after the digester's next run: printed at the end for the record. */
    private static final List<String> TABLE = new ArrayList<>();

    @TempDir
    Path dir;
    private EvidenceArchive archive;
    /** The keys each app's batches were stored under, by hour (0 to 7). */
    private final Map<String, Map<Integer, List<String>>> keys = new LinkedHashMap<>();

    @BeforeEach
    void build() {
        archive = new EvidenceArchive(dir, 20260314, A, B);
        for (int hour = 0; hour < HOURS; hour++) {
            Instant start = FIRST_HOUR.plus(Duration.ofHours(hour));
            for (String app : List.of(A, B)) {
                for (int minute : new int[] {3, 14, 27, 41, 55}) {
                    Instant at = start.plus(Duration.ofMinutes(minute)).plusSeconds(app.equals(A) ? 11 : 37);
                    keys.computeIfAbsent(app, a -> new TreeMap<>()).computeIfAbsent(hour, h -> new ArrayList<>())
                            .add(archive.post(app, at));
                }
            }
            // The schedule closes each hour 10 minutes after its end; this run is the first after that.
            archive.runDigester(start.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(12)));
        }
    }

    @AfterEach
    void close() {
        archive.close();
    }

    @AfterAll
    static void printTable() {
        System.out.println("tamper | verify-archive after the digester's next run | exit\n---|---|---\n"
                + String.join("\n", TABLE));
    }

    private static Instant hour(int h) {
        return FIRST_HOUR.plus(Duration.ofHours(h));
    }

    private String digest(String app, int h) {
        return DigestLayout.key(app, hour(h));
    }

    /** The digester's next scheduled run, then verify-archive of {@code app}: its failing intervals' finding kinds. */
    private Result afterNextRun(String tamper, String app, Map<Integer, List<String>> expected, int exit) {
        String log = archive.runDigester(NEXT_RUN);
        VerifierRun run = archive.verify(VERIFIED_AT, app, FIRST_HOUR, RANGE_END, "--json");
        JsonNode report = EvidenceArchive.json(run);
        Map<Integer, List<String>> found = new TreeMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        for (JsonNode i : report.get("intervals")) {
            int h = (int) Duration.between(FIRST_HOUR, Instant.parse(i.get("start").asText())).toHours();
            TreeSet<String> kinds = new TreeSet<>();
            for (JsonNode f : i.get("findings")) {
                kinds.add(f.get("kind").asText());
                details.put(f.get("kind").asText() + " " + f.get("key").asText(), f.get("detail").asText());
            }
            if (!kinds.isEmpty()) {
                found.put(h, new ArrayList<>(kinds));
            }
        }
        VerifierRun text = archive.verify(VERIFIED_AT, app, FIRST_HOUR, RANGE_END);
        assertEquals(expected, found, tamper + "\n" + text.out() + "\ndigester: " + log);
        assertEquals(exit, run.exitCode(), text.out());
        List<String> cells = new ArrayList<>();
        found.forEach((h, kinds) -> cells.add(hour(h).toString().substring(11, 16) + " " + String.join(" + ", kinds)));
        TABLE.add(tamper + " | " + (cells.isEmpty() ? "every interval valid" : String.join("; ", cells)) + " | "
                + run.exitCode());
        return new Result(report, details, text.out(), log);
    }

    private record Result(JsonNode report, Map<String, String> details, String text, String digesterLog) {
        void detail(String kindAndKey, String part) {
            String detail = details.get(kindAndKey);
            assertTrue(detail != null && detail.contains(part), () -> kindAndKey + " should say '" + part + "': "
                    + detail + "\n" + text);
        }
    }

    @Test
    void an_untouched_archive_is_valid_after_the_next_run_too() {
        afterNextRun("none", A, Map.of(), 0);
        afterNextRun("none (app B)", B, Map.of(), 0);
    }

    @Test
    void the_newest_digests_deleted_for_good_are_regrown_only_as_late_digests() {
        archive.deleteForGood(digest(A, 6));
        archive.deleteForGood(digest(A, 7));
        Result r = afterNextRun("the newest two digests deleted, every version", A,
                Map.of(6, List.of("digest_late"), 7, List.of("digest_late")), 1);
        r.detail("digest_late " + digest(A, 6), "after its interval ended");
    }

    @Test
    void delete_markers_on_the_newest_digests_are_never_written_over() {
        archive.deleteMarker(digest(A, 6));
        archive.deleteMarker(digest(A, 7));
        Result r = afterNextRun("the newest two digests deleted (delete markers)", A,
                Map.of(6, List.of("digest_deleted"), 7, List.of("digest_deleted")), 1);
        r.detail("digest_deleted " + digest(A, 7), "the chain links over it");
        r.detail("digest_deleted " + digest(A, 6), "verifies and lists 5 objects");
        assertTrue(r.digesterLog().contains("\"TamperedDigests\":2"), r.digesterLog());
        assertEquals(5, r.report().get("intervals").get(6).get("objects").asInt(), "its objects are still checked");
    }

    @Test
    void an_object_and_the_newest_two_digests_deleted_leave_the_deletion_on_record() {
        String object = keys.get(A).get(6).get(2);
        archive.deleteMarker(object);
        archive.deleteForGood(digest(A, 6));
        archive.deleteForGood(digest(A, 7));
        Result r = afterNextRun("one object (delete marker) and the newest two digests (every version) deleted", A,
                Map.of(6, List.of("digest_late", "missing_object"), 7, List.of("digest_late")), 1);
        r.detail("missing_object " + object, "before its digest was written");
        r.detail("missing_object " + object, "intact in the bucket's version history");
    }

    @Test
    void an_object_and_the_newest_two_digests_deleted_for_good_leave_late_digests() {
        archive.deleteForGood(keys.get(A).get(6).get(2));
        archive.deleteForGood(digest(A, 6));
        archive.deleteForGood(digest(A, 7));
        afterNextRun("one object and the newest two digests deleted, every version", A,
                Map.of(6, List.of("digest_late"), 7, List.of("digest_late")), 1);
    }

    @Test
    void an_hours_objects_and_every_digest_from_it_on_deleted_show_how_many_objects_it_had() {
        for (String key : keys.get(A).get(3)) {
            archive.deleteMarker(key);
        }
        for (int h = 3; h < HOURS; h++) {
            archive.deleteMarker(digest(A, h));
        }
        Result r = afterNextRun("an hour's objects and every digest from that hour on deleted (delete markers)", A,
                Map.of(3, List.of("digest_deleted", "missing_object"), 4, List.of("digest_deleted"),
                        5, List.of("digest_deleted"), 6, List.of("digest_deleted"), 7, List.of("digest_deleted")), 1);
        r.detail("digest_deleted " + digest(A, 3), "lists 5 objects");
        assertEquals(5, r.report().get("intervals").get(3).get("findings").size() - 1, "each object named");
    }

    @Test
    void an_hours_objects_and_every_digest_from_it_on_deleted_for_good_leave_late_digests() {
        for (String key : keys.get(A).get(3)) {
            archive.deleteForGood(key);
        }
        for (int h = 3; h < HOURS; h++) {
            archive.deleteForGood(digest(A, h));
        }
        afterNextRun("an hour's objects and every digest from that hour on deleted, every version", A,
                Map.of(3, List.of("digest_late"), 4, List.of("digest_late"), 5, List.of("digest_late"),
                        6, List.of("digest_late"), 7, List.of("digest_late")), 1);
    }

    @Test
    void an_object_of_app_a_copied_into_a_closed_hour_of_app_b_stays_a_finding_once_recorded_late() {
        String copy = new ObjectKey(B, hour(5).plusSeconds(1800).toEpochMilli(), UUID.randomUUID()).toString();
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(copy).contentEncoding("gzip")
                .contentType("text/plain; charset=utf-8"), RequestBody.fromBytes(archive.read(keys.get(A).get(5).get(0))));
        Result r = afterNextRun("an object of app A copied into app B's closed hour", B,
                Map.of(5, List.of("late_object")), 1);
        r.detail("late_object " + copy, "after its newest line, beyond the 10m");
        assertEquals(copy, r.report().get("late_objects").get(0).get("key").asText());
    }

    @Test
    void a_backdated_object_in_a_digested_hour_stays_a_finding_once_recorded_late() {
        String forged = new ObjectKey(A, hour(2).plusSeconds(600).toEpochMilli(), UUID.randomUUID()).toString();
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(forged).contentEncoding("gzip")
                .contentType("text/plain; charset=utf-8"), RequestBody.fromBytes(archive.read(keys.get(A).get(2).get(1))));
        Result r = afterNextRun("a backdated object put into a digested hour", A, Map.of(2, List.of("late_object")),
                1);
        r.detail("late_object " + forged, "recorded late by " + DigestLayout.key(A, hour(HOURS)));
    }

    @Test
    void identical_bytes_put_again_are_a_second_version_said_to_be_identical() {
        String key = keys.get(A).get(4).get(1);
        byte[] bytes = archive.read(key);
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(key).contentEncoding("gzip")
                .contentType("text/plain; charset=utf-8"), RequestBody.fromBytes(bytes));
        Result r = afterNextRun("an object put again with identical bytes", A, Map.of(4, List.of("modified")), 1);
        r.detail("modified " + key, "identical bytes");
        r.detail("modified " + key, "recorded late by");
    }

    @Test
    void an_object_overwritten_with_other_bytes_is_modified() {
        String key = keys.get(A).get(1).get(3);
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(key), RequestBody.fromBytes(archive.read(
                keys.get(A).get(1).get(0))));
        Result r = afterNextRun("an object overwritten with other bytes", A, Map.of(1, List.of("modified")), 1);
        r.detail("modified " + key, "different bytes");
    }

    @Test
    void a_deleted_object_is_missing() {
        String key = keys.get(A).get(0).get(0);
        archive.deleteMarker(key);
        Result r = afterNextRun("one object deleted (delete marker)", A, Map.of(0, List.of("missing_object")), 1);
        r.detail("missing_object " + key, "intact in the bucket's version history");
    }

    @Test
    void a_digest_replaced_by_another_version_is_named() {
        String key = digest(A, 2);
        String stored = new String(archive.read(key), java.nio.charset.StandardCharsets.UTF_8);
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(key), RequestBody.fromString(
                stored.replace("\"objects\":[{", "\"objects\":[{\"x\":1,")));
        Result r = afterNextRun("a digest replaced (a second version)", A, Map.of(2, List.of("digest_replaced")), 1);
        r.detail("digest_replaced " + key, "2 versions");
    }

    @Test
    void a_middle_digest_deleted_keeps_its_objects_checked() {
        archive.deleteMarker(digest(A, 3));
        Result r = afterNextRun("a digest in the middle deleted (delete marker)", A,
                Map.of(3, List.of("digest_deleted")), 1);
        assertEquals(5, r.report().get("intervals").get(3).get("objects").asInt());
    }

    @Test
    void the_delete_marker_removed_after_the_digester_linked_over_it_is_still_named() {
        String key = digest(A, 7);
        archive.deleteMarker(key);
        archive.runDigester(NEXT_RUN);
        // Cover it up: remove the delete marker; the key looks whole again.
        String marker = archive.s3.listObjectVersions(r -> r.bucket(archive.bucket).prefix(key)).deleteMarkers()
                .get(0).versionId();
        archive.s3.deleteObject(r -> r.bucket(archive.bucket).key(key).versionId(marker));
        Result r = afterNextRun("a digest deleted, linked over, then its delete marker removed", A,
                Map.of(7, List.of("digest_deleted")), 1);
        r.detail("digest_deleted " + key, "removed since");
    }

    @Test
    void a_name_the_receiver_cannot_write_is_extra() {
        String planted = "logs/" + A + "/2026/03/15/notes.gz";
        archive.s3.putObject(r -> r.bucket(archive.bucket).key(planted), RequestBody.fromString("planted"));
        afterNextRun("a name the receiver cannot write, under a digested day", A, Map.of(4, List.of("extra_object")),
                1);
    }
}
