package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.digest.ArchiveDigest;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.verifier.testsupport.DigestedArchive;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * verify-archive against digests the real digester wrote into moto's S3 with moto's KMS: an untouched day, each kind
 * of tampering named in its interval, late objects, pending intervals, exported keys and a downloaded copy.
 */
class VerifyArchiveIT {

    private static final String APP = "acme-api";
    private static final Instant NEXT_MORNING = Instant.parse("2026-03-15T00:30:00Z");
    /** The digester's first run that closes the first hour (01:00 + 10 minutes' grace), then hourly to NEXT_MORNING. */
    private static final Instant FIRST_RUN = Instant.parse("2026-03-14T01:12:00Z");
    private static final Clock VERIFY_CLOCK = Clock.fixed(Instant.parse("2026-03-15T02:00:00Z"), ZoneOffset.UTC);

    private DigestedArchive archive;
    private DrainedObjects objects;
    private final Map<Integer, String> keyOfHour = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        archive = new DigestedArchive();
        objects = archive.bucket().objects();
        // One object an hour, two in the hour 05:00, none at 08:00: a day of a quiet app.
        for (int hour = 0; hour < 24; hour++) {
            if (hour == 8) {
                continue;
            }
            keyOfHour.put(hour, write(at(hour, 12)));
        }
        write(at(5, 40));
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    private static Instant at(int hour, int minute) {
        return Instant.parse("2026-03-14T00:00:00Z").plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    private String write(Instant t) {
        String stamp = t.toString().replace("Z", "+00:00");
        return objects.write(APP, List.of("<134>1 " + stamp + " host app postgres.4242 - [DATABASE] [7-1]  "
                + "sql_error_code = 00000 LOG:  statement: INSERT INTO customer_audit_events (id) VALUES ('" + t
                + "')", "<158>1 " + stamp + " host heroku router - at=info method=GET path=\"/\" status=200"));
    }

    private VerifierRun verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify-archive", "--app", APP, "--store",
                archive.bucket().store(), "--from", "2026-03-14", "--to", "2026-03-15"));
        args.addAll(List.of(extra));
        return VerifierRun.run(archive.environment(), VERIFY_CLOCK, args.toArray(String[]::new));
    }

    private static Map<String, JsonNode> byStart(JsonNode report) {
        Map<String, JsonNode> intervals = new LinkedHashMap<>();
        report.get("intervals").forEach(i -> intervals.put(i.get("start").asText(), i));
        return intervals;
    }

    private static String hour(int h) {
        return String.format("2026-03-14T%02d:00:00Z", h);
    }

    @Test
    void an_untouched_day_is_valid_in_every_interval_with_each_object_checked() {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);

        JsonNode report = verify("--json").assertExit(ExitCodes.PASS).json();

        assertEquals("PASS", report.get("result").asText());
        assertEquals(24, report.get("intervals").size());
        report.get("intervals").forEach(i -> assertEquals("valid", i.get("status").asText(), i.toString()));
        assertEquals(24, report.get("summary").get("objects_checked").asInt());
        assertEquals(2, byStart(report).get(hour(5)).get("objects").asInt());
        assertEquals(0, byStart(report).get(hour(8)).get("objects").asInt(), "an empty hour is valid too");
        assertTrue(report.get("key").asText().startsWith("kms:GetPublicKey arn:aws:kms:"));
    }

    @Test
    void a_deleted_an_overwritten_and_a_foreign_object_and_a_removed_digest_are_each_named_in_their_interval() {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);
        var s3 = archive.bucket().s3();
        String bucket = archive.bucket().name();
        s3.deleteObject(r -> r.bucket(bucket).key(keyOfHour.get(3)));
        String overwritten = keyOfHour.get(5);
        s3.putObject(r -> r.bucket(bucket).key(overwritten), RequestBody.fromString("rewritten history"));
        String forged = write(at(7, 30));
        String foreignName = "logs/acme-api/2026/03/14/notes.gz";
        s3.putObject(r -> r.bucket(bucket).key(foreignName), RequestBody.fromString("planted"));
        s3.deleteObject(r -> r.bucket(bucket).key(DigestLayout.key(APP, Instant.parse(hour(10)))));

        VerifierRun run = verify("--json").assertExit(ExitCodes.FAILED);

        Map<String, JsonNode> intervals = byStart(run.json());
        Map<String, String> failing = new LinkedHashMap<>();
        intervals.forEach((start, i) -> {
            if (!i.get("status").asText().equals("valid")) {
                failing.put(start, i.get("status").asText());
            }
        });
        assertEquals(Map.of(hour(0), "extra_object", hour(3), "missing_object", hour(5), "modified", hour(7),
                "extra_object", hour(10), "digest_deleted"), failing, run.out());
        assertFinding(intervals.get(hour(3)), "missing_object", keyOfHour.get(3), "intact in the bucket's version");
        assertFinding(intervals.get(hour(5)), "modified", overwritten, "overwritten: version");
        assertFinding(intervals.get(hour(7)), "extra_object", forged, "in no digest");
        assertFinding(intervals.get(hour(0)), "extra_object", foreignName, "not a key the receiver writes");
        assertFinding(intervals.get(hour(10)), "digest_deleted", "digests/acme-api/2026/03/14/1000.jsonl",
                "verifies and lists 1 object, checked below");
        assertEquals(1, intervals.get(hour(10)).get("objects").asInt(), "the deleted digest's objects still checked");
        assertEquals(0, intervals.get(hour(11)).get("findings").size(),
                "the digest after the removed one links to it: no second finding");

        VerifierRun text = verify().assertExit(ExitCodes.FAILED);
        assertTrue(text.out().contains("  2026-03-14T03:00:00Z  missing object       1 object \n"
                + "      missing object  " + keyOfHour.get(3) + "\n          deleted at "), text.out());
        assertTrue(text.out().contains("summary: 24 intervals: 19 valid, 2 extra object, 1 missing object, 1 modified,"
                + " 1 digest deleted;"), text.out());
        assertTrue(text.out().contains("FAIL  5 intervals with findings"), text.out());
    }

    @Test
    void a_replaced_digest_is_named_and_one_that_links_elsewhere_breaks_the_chain() throws IOException {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);
        var s3 = archive.bucket().s3();
        String bucket = archive.bucket().name();
        String key4 = DigestLayout.key(APP, Instant.parse(hour(4)));
        String stored = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key4)).asUtf8String();
        s3.putObject(r -> r.bucket(bucket).key(key4), RequestBody.fromString(stored.replace("\"size\":", "\"size\":1")));
        // A digest signed with the real key but linked to the wrong predecessor, its original removed for good.
        String key12 = DigestLayout.key(APP, Instant.parse(hour(12)));
        ArchiveDigest original = SignedDigest.parse(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key12))
                .asByteArray()).digest();
        SignedDigest ten = SignedDigest.parse(s3.getObjectAsBytes(r -> r.bucket(bucket)
                .key(DigestLayout.key(APP, Instant.parse(hour(10))))).asByteArray());
        ArchiveDigest relinked = new ArchiveDigest(APP, original.key(), original.interval(), original.created(),
                original.grace(), original.lateWindow(), ten.link(), List.of(), original.objects(), original.deleted(),
                original.lateObjects());
        String version12 = s3.headObject(r -> r.bucket(bucket).key(key12)).versionId();
        s3.deleteObject(r -> r.bucket(bucket).key(key12).versionId(version12));
        s3.putObject(r -> r.bucket(bucket).key(key12), RequestBody.fromBytes(SignedDigest.sign(relinked,
                archive.signer()).toBytes()));

        Map<String, JsonNode> intervals = byStart(verify("--json").assertExit(ExitCodes.FAILED).json());

        assertEquals("digest_replaced", intervals.get(hour(4)).get("status").asText());
        assertFinding(intervals.get(hour(4)), "digest_replaced", key4, "signature does not verify");
        assertEquals("valid", intervals.get(hour(5)).get("status").asText(),
                "the digest after a replaced one links to its original: the replacement is the finding");
        assertEquals("chain_broken", intervals.get(hour(12)).get("status").asText());
        assertFinding(intervals.get(hour(12)), "chain_broken", key12, "not to digests/acme-api/2026/03/14/1100.jsonl");
        assertEquals("chain_broken", intervals.get(hour(13)).get("status").asText(),
                "the next digest names the original's signature, which the replacement does not have");
    }

    @Test
    void an_object_delivered_after_its_digest_is_listed_once_the_next_digest_records_it_late() {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);
        String late = write(at(23, 59));
        Map<String, JsonNode> before = byStart(verify("--json").assertExit(ExitCodes.FAILED).json());
        assertFinding(before.get(hour(23)), "extra_object", late, "in no digest");

        archive.digest(NEXT_MORNING.plus(Duration.ofMinutes(45)));

        // moto stores it now, months after its key's time: a delivery Logplex cannot make, so a finding...
        JsonNode report = verify("--json").assertExit(ExitCodes.FAILED).json();
        assertFinding(byStart(report).get(hour(23)), "late_object", late, "after its newest line, beyond the 10m");
        assertEquals(late, report.get("late_objects").get(0).get("key").asText());
        assertTrue(report.get("late_objects").get(0).get("finding").asBoolean());
        // ...and, with a threshold that allows it, a late delivery listed with its delay, not a finding.
        JsonNode allowed = verify("--json", "--late-threshold", "100000h").assertExit(ExitCodes.PASS).json();
        JsonNode last = byStart(allowed).get(hour(23));
        assertEquals("valid", last.get("status").asText());
        assertEquals(2, last.get("objects").asInt());
        assertEquals(1, last.get("late_objects").asInt());
        assertEquals(1, allowed.get("summary").get("late_objects").asInt());
        assertEquals("digests/acme-api/2026/03/15/0000.jsonl", allowed.get("late_objects").get(0).get("recorded_by")
                .asText());
        assertTrue(allowed.get("late_objects").get(0).get("delay_seconds").asLong() > 0);
    }

    @Test
    void intervals_whose_digest_is_not_due_yet_are_pending_not_failures() {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);

        JsonNode report = VerifierRun.run(archive.environment(), Clock.fixed(NEXT_MORNING, ZoneOffset.UTC),
                "verify-archive", "--app", APP, "--store", archive.bucket().store(), "--from", "2026-03-14T22:00:00Z",
                "--json").assertExit(ExitCodes.PASS).json();

        Map<String, JsonNode> intervals = byStart(report);
        assertEquals(List.of("2026-03-14T22:00:00Z", "2026-03-14T23:00:00Z", "2026-03-15T00:00:00Z"),
                new ArrayList<>(intervals.keySet()));
        assertEquals("pending", intervals.get("2026-03-15T00:00:00Z").get("status").asText());
    }

    @Test
    void an_exported_public_key_verifies_without_kms_and_another_key_verifies_nothing(@TempDir Path dir)
            throws IOException {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);
        Path der = dir.resolve("digests-key.der");
        Files.write(der, archive.publicKeyDer());
        Path pem = dir.resolve("digests-key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                archive.publicKeyDer()) + "\n-----END PUBLIC KEY-----\n");
        Map<String, String> noKms = new LinkedHashMap<>(archive.bucket().environment());

        for (Path key : List.of(der, pem)) {
            JsonNode report = VerifierRun.run(noKms, VERIFY_CLOCK, "verify-archive", "--app", APP, "--store",
                    archive.bucket().store(), "--from", "2026-03-14", "--to", "2026-03-15", "--public-key",
                    key.toString(), "--json").assertExit(ExitCodes.PASS).json();
            assertEquals("public key file " + key, report.get("key").asText());
        }

        try (DigestedArchive other = new DigestedArchive()) {
            Path otherKey = dir.resolve("other.der");
            Files.write(otherKey, other.publicKeyDer());
            JsonNode report = VerifierRun.run(noKms, VERIFY_CLOCK, "verify-archive", "--app", APP, "--store",
                    archive.bucket().store(), "--from", "2026-03-14", "--to", "2026-03-15", "--public-key",
                    otherKey.toString(), "--json").assertExit(ExitCodes.FAILED).json();
            assertEquals(24, report.get("summary").get("digest_invalid").asInt());
        }
    }

    @Test
    void a_downloaded_copy_of_the_bucket_is_checked_by_hash(@TempDir Path dir) throws IOException {
        archive.digestHourly(FIRST_RUN, NEXT_MORNING);
        var s3 = archive.bucket().s3();
        String bucket = archive.bucket().name();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            Path file = dir.resolve(o.key());
            Files.createDirectories(file.getParent());
            Files.write(file, s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray());
        }
        Path key = dir.resolve("key.der");
        Files.write(key, archive.publicKeyDer());
        String[] args = {"verify-archive", "--app", APP, "--store", "file:" + dir, "--from", "2026-03-14", "--to",
            "2026-03-15", "--public-key", key.toString(), "--json"};

        VerifierRun.run(Map.of(), VERIFY_CLOCK, args).assertExit(ExitCodes.PASS);

        Path changed = dir.resolve(keyOfHour.get(9));
        Files.write(changed, "edited".getBytes(StandardCharsets.UTF_8));
        Map<String, JsonNode> intervals = byStart(VerifierRun.run(Map.of(), VERIFY_CLOCK, args)
                .assertExit(ExitCodes.FAILED).json());
        assertFinding(intervals.get(hour(9)), "modified", keyOfHour.get(9), "content differs");
    }

    @Test
    void without_a_key_or_with_a_reversed_range_it_is_a_usage_error() {
        Map<String, String> env = new LinkedHashMap<>(archive.bucket().environment());
        VerifierRun noKey = VerifierRun.run(env, VERIFY_CLOCK, "verify-archive", "--app", APP, "--store",
                archive.bucket().store(), "--from", "2026-03-14").assertExit(ExitCodes.ERROR);
        assertTrue(noKey.err().contains("--key-id"), noKey.err());
        VerifierRun reversed = VerifierRun.run(archive.environment(), VERIFY_CLOCK, "verify-archive", "--app", APP,
                "--store", archive.bucket().store(), "--from", "2026-03-16", "--to", "2026-03-15")
                .assertExit(ExitCodes.ERROR);
        assertTrue(reversed.err().contains("must be before"), reversed.err());
        VerifierRun badTime = VerifierRun.run(archive.environment(), VERIFY_CLOCK, "verify-archive", "--app", APP,
                "--store", archive.bucket().store(), "--from", "yesterday").assertExit(ExitCodes.ERROR);
        assertTrue(badTime.err().contains("is not a time"), badTime.err());
        String unknownKey = "arn:aws:kms:us-east-1:123456789012:key/" + UUID.randomUUID();
        VerifierRun noSuchKey = verify("--key-id", unknownKey).assertExit(ExitCodes.ERROR);
        assertTrue(noSuchKey.err().contains("could not read the public key"), noSuchKey.err());
    }

    private static void assertFinding(JsonNode interval, String kind, String key, String detailPart) {
        for (JsonNode f : interval.get("findings")) {
            if (f.get("kind").asText().equals(kind) && f.get("key").asText().equals(key)) {
                assertTrue(f.get("detail").asText().contains(detailPart), () -> f + " should say " + detailPart);
                return;
            }
        }
        throw new AssertionError("no " + kind + " finding for " + key + " in " + interval);
    }
}
