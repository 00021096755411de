package io.auditdrain.digester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ProofKey;
import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.digest.DigestEntry;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestVerifier;
import io.auditdrain.digest.Sha256;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.digester.aws.S3ArchiveBucket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The digester against moto's S3 and KMS: what it writes, signs, links and records late. */
class ArchiveDigesterIT {

    private static final String APP = TestArchive.APP;
    private static final Instant DAY = Instant.parse("2026-03-14T00:00:00Z");
    private static final Instant NEXT_MORNING = Instant.parse("2026-03-15T00:30:00Z");

    private TestArchive archive;

    @BeforeEach
    void setUp() {
        archive = new TestArchive();
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    private static Instant at(String time) {
        return Instant.parse("2026-03-14T" + time + "Z");
    }

    @Test
    void every_closed_hour_from_the_first_object_gets_a_signed_digest_of_exactly_its_objects() {
        String a = archive.putObject(APP, at("01:15:02.250"), "<134>1 2026-03-14T01:15:02+00:00 host app web.1 - a");
        String b = archive.putObject(APP, at("01:59:59.999"), "<134>1 2026-03-14T01:59:59+00:00 host app web.1 - b");
        String c = archive.putObject(APP, at("05:00:00.000"), "<134>1 2026-03-14T05:00:00+00:00 host app web.1 - c");
        archive.putObject("other-app", at("03:00:00"), "<134>1 2026-03-14T03:00:00+00:00 host app web.1 - o");

        ArchiveDigester.Run run = archive.digester(NEXT_MORNING, Set.of()).run(() -> true);

        assertFalse(run.failed(), run.toString());
        List<SignedDigest> digests = archive.digests(APP);
        // 01:00 to 23:00 are closed; 00:00-01:00 of the next day ends at 01:00 + 10 min grace, after 00:30.
        assertEquals(23, digests.size());
        assertEquals(DigestLayout.key(APP, at("01:00:00")), digests.get(0).digest().key());
        assertEquals(DigestLayout.key(APP, at("23:00:00")), digests.get(22).digest().key());
        assertEquals(List.of(a, b), keys(digests.get(0).digest().objects()));
        assertEquals(List.of(), digests.get(1).digest().objects(), "an empty hour still gets a digest");
        assertEquals(List.of(c), keys(digests.get(4).digest().objects()));
        DigestEntry first = digests.get(0).digest().objects().get(0);
        byte[] stored = archive.get(a);
        assertEquals(Sha256.hex(stored), first.sha256());
        assertEquals(stored.length, first.size());
        assertTrue(first.versionId() != null && !first.versionId().isEmpty());

        DigestVerifier verifier = archive.verifier();
        assertNull(digests.get(0).digest().previous(), "the first digest starts the chain");
        for (int i = 0; i < digests.size(); i++) {
            assertTrue(verifier.signatureValid(digests.get(i)), digests.get(i).digest().key());
            assertEquals(archive.keyArn, digests.get(i).signature().keyId());
            if (i > 0) {
                assertEquals(Optional.empty(), DigestVerifier.linkProblem(digests.get(i - 1), digests.get(i)));
            }
        }
        assertEquals(21, archive.digests("other-app").size(), "every app under logs/ gets its own chain, from 03:00");
    }

    @Test
    void a_later_run_writes_only_what_has_become_due_and_continues_the_chain() {
        archive.putObject(APP, at("22:10:00"), "<134>1 2026-03-14T22:10:00+00:00 host app web.1 - a");
        archive.digester(NEXT_MORNING, Set.of()).run(() -> true);
        assertEquals(2, archive.digests(APP).size());

        ArchiveDigester.Run same = archive.digester(NEXT_MORNING.plusSeconds(60), Set.of()).run(() -> true);
        assertEquals(List.of(), same.apps().get(0).written());

        ArchiveDigester.Run later = archive.digester(NEXT_MORNING.plus(Duration.ofHours(1)), Set.of())
                .run(() -> true);
        assertEquals(List.of("digests/acme-api/2026/03/15/0000.jsonl"), later.apps().get(0).written());
        List<SignedDigest> digests = archive.digests(APP);
        assertEquals(Optional.empty(), DigestVerifier.linkProblem(digests.get(1), digests.get(2)));
    }

    @Test
    void an_object_that_arrives_after_its_digest_is_recorded_as_late_in_the_next_one() {
        archive.putObject(APP, at("21:05:00"), "<134>1 2026-03-14T21:05:00+00:00 host app web.1 - on time");
        archive.digester(NEXT_MORNING, Set.of()).run(() -> true);
        String late = archive.putObject(APP, at("22:59:58"), "<134>1 2026-03-14T22:59:58+00:00 host app web.1 - retry");

        ArchiveDigester.Run run = archive.digester(NEXT_MORNING.plus(Duration.ofHours(1)), Set.of()).run(() -> true);

        assertEquals(1, run.apps().get(0).lateObjects());
        SignedDigest next = archive.digests(APP).get(3);
        assertEquals("digests/acme-api/2026/03/15/0000.jsonl", next.digest().key());
        assertEquals(List.of(late), keys(next.digest().lateObjects()));
        assertEquals(Sha256.hex(archive.get(late)), next.digest().lateObjects().get(0).sha256());
        assertEquals(List.of(), next.digest().objects());

        ArchiveDigester.Run again = archive.digester(NEXT_MORNING.plus(Duration.ofHours(2)), Set.of())
                .run(() -> true);
        assertEquals(0, again.apps().get(0).lateObjects(), "a late object is recorded once");
    }

    @Test
    void an_overwritten_object_is_recorded_as_a_late_version_beside_the_digested_one() {
        String key = archive.putObject(APP, at("21:05:00"), "<134>1 2026-03-14T21:05:00+00:00 host app web.1 - a");
        archive.digester(NEXT_MORNING, Set.of()).run(() -> true);
        String digested = archive.digests(APP).get(0).digest().objects().get(0).versionId();
        archive.put(key, TestArchive.gzipLines("<134>1 2026-03-14T21:05:00+00:00 host app web.1 - changed"));

        ArchiveDigester.Run run = archive.digester(NEXT_MORNING.plus(Duration.ofHours(1)), Set.of()).run(() -> true);

        assertEquals(1, run.apps().get(0).lateObjects());
        DigestEntry late = archive.digests(APP).get(3).digest().lateObjects().get(0);
        assertEquals(key, late.key());
        assertTrue(!late.versionId().equals(digested), "the new version, not the digested one");
        assertEquals(Sha256.hex(archive.get(key)), late.sha256());
    }

    @Test
    void an_object_deleted_before_its_digest_is_listed_with_its_hidden_version_and_the_delete_marker() {
        String kept = archive.putObject(APP, at("21:05:00"), "<134>1 2026-03-14T21:05:00+00:00 host app web.1 - a");
        String gone = archive.putObject(APP, at("21:06:00"), "<134>1 2026-03-14T21:06:00+00:00 host app web.1 - b");
        byte[] bytes = archive.get(gone);
        archive.s3.deleteObject(r -> r.bucket(archive.bucket).key(gone));

        archive.digester(NEXT_MORNING, Set.of()).run(() -> true);

        var digest = archive.digests(APP).get(0).digest();
        assertEquals(List.of(kept, gone), keys(digest.objects()), "every version written, current or not");
        assertEquals(Sha256.hex(bytes), digest.objects().get(1).sha256());
        assertEquals(List.of(gone), digest.deleted().stream().map(m -> m.key()).toList());
    }

    @Test
    void delete_markers_on_the_newest_digests_make_the_next_run_link_over_them_and_report_them() {
        archive.putObject(APP, at("20:05:00"), "<134>1 2026-03-14T20:05:00+00:00 host app web.1 - a");
        archive.digester(at("23:30:00"), Set.of()).run(() -> true);
        List<SignedDigest> before = archive.digests(APP);
        assertEquals(3, before.size());
        String k21 = DigestLayout.key(APP, at("21:00:00"));
        String k22 = DigestLayout.key(APP, at("22:00:00"));
        archive.s3.deleteObject(r -> r.bucket(archive.bucket).key(k21));
        archive.s3.deleteObject(r -> r.bucket(archive.bucket).key(k22));

        ArchiveDigester.Run run = archive.digester(at("23:30:00").plus(Duration.ofHours(1)), Set.of())
                .run(() -> true);

        ArchiveDigester.AppRun app = run.apps().get(0);
        assertEquals(List.of(DigestLayout.key(APP, at("23:00:00"))), app.written(), "never a key that existed");
        assertEquals(List.of(k21, k22), app.gap());
        assertEquals(2, run.tamperedDigests(), app.tampered().toString());
        SignedDigest next = archive.digests(APP).get(1);
        assertEquals(before.get(0).link(), next.digest().previous(), "linked to the last intact digest");
        assertEquals(List.of(at("21:00:00"), at("22:00:00")), next.digest().gap().stream()
                .map(g -> g.interval().start()).toList());
        assertEquals(Sha256.hex(before.get(1).toBytes()), next.digest().gap().get(0).versions().get(0).sha256(),
                "the hidden digest's bytes are tied to the chain");
        assertEquals(1, next.digest().gap().get(0).deleteMarkers().size());
        assertEquals(Optional.empty(), DigestVerifier.linkProblem(before.get(0), next));
        assertTrue(archive.verifier().signatureValid(next));

        ArchiveDigester.Run again = archive.digester(at("23:30:00").plus(Duration.ofHours(2)), Set.of())
                .run(() -> true);
        assertEquals(List.of("digests/acme-api/2026/03/15/0000.jsonl"), again.apps().get(0).written());
        assertEquals(List.of(), again.apps().get(0).gap(), "the gap is recorded once");
        assertEquals(2, again.tamperedDigests(), "and reported on every run");
    }

    @Test
    void a_digest_planted_for_an_interval_not_yet_closed_is_reported_and_does_not_stop_the_chain() {
        archive.putObject(APP, at("20:05:00"), "<134>1 2026-03-14T20:05:00+00:00 host app web.1 - a");
        archive.put(DigestLayout.key(APP, Instant.parse("2027-01-01T00:00:00Z")), new byte[] {1});

        ArchiveDigester.Run run = archive.digester(at("21:30:00"), Set.of()).run(() -> true);

        assertEquals(List.of(DigestLayout.key(APP, at("20:00:00"))), run.apps().get(0).written());
        assertEquals(1, run.tamperedDigests(), run.apps().get(0).tampered().toString());
    }

    @Test
    void a_configured_app_without_objects_gets_empty_digests_from_the_last_closed_hour_on() {
        ArchiveDigester.Run run = archive.digester(at("10:05:00"), Set.of("quiet-app")).run(() -> true);
        // 09:00-10:00 is due at 10:10; at 10:05 the newest closed hour is 08:00-09:00.
        assertEquals(List.of("digests/quiet-app/2026/03/14/0800.jsonl"), run.apps().get(0).written());
        ArchiveDigester.Run later = archive.digester(at("12:30:00"), Set.of("quiet-app")).run(() -> true);
        assertEquals(List.of("digests/quiet-app/2026/03/14/0900.jsonl", "digests/quiet-app/2026/03/14/1000.jsonl",
                "digests/quiet-app/2026/03/14/1100.jsonl"), later.apps().get(0).written());
        assertTrue(archive.digests("quiet-app").stream().allMatch(d -> d.digest().objects().isEmpty()));
    }

    @Test
    void the_per_run_limit_leaves_the_backlog_to_the_next_runs() {
        archive.putObject(APP, at("00:00:01"), "<134>1 2026-03-14T00:00:01+00:00 host app web.1 - a");
        ArchiveDigester.Run run = archive.digester(NEXT_MORNING, Set.of(), 5).run(() -> true);
        assertEquals(5, run.apps().get(0).written().size());
        assertTrue(run.apps().get(0).behind());
        for (int i = 0; i < 4; i++) {
            archive.digester(NEXT_MORNING, Set.of(), 5).run(() -> true);
        }
        List<SignedDigest> digests = archive.digests(APP);
        assertEquals(24, digests.size());
        for (int i = 1; i < digests.size(); i++) {
            assertEquals(Optional.empty(), DigestVerifier.linkProblem(digests.get(i - 1), digests.get(i)));
        }
    }

    @Test
    void run_records_under_proof_are_digested_in_the_interval_of_their_run_beside_the_drained_objects() {
        String object = archive.putObject(APP, at("09:20:00"), "<134>1 2026-03-14T09:20:00+00:00 host app web.1 - a");
        String record = ProofKeyLayout.format(new ProofKey(APP, at("09:15:00.123").toEpochMilli(), UUID.randomUUID()));
        archive.put(record, "{\"format\":1}".getBytes(StandardCharsets.UTF_8));
        String nextHour = ProofKeyLayout.format(new ProofKey(APP, at("10:00:00").toEpochMilli(), UUID.randomUUID()));
        archive.put(nextHour, "{\"format\":1}".getBytes(StandardCharsets.UTF_8));
        archive.put("proof/" + APP + "/2026/03/14/notes.json", "{}".getBytes(StandardCharsets.UTF_8));
        archive.put(ProofKeyLayout.format(new ProofKey("other-app", at("09:30:00").toEpochMilli(),
                UUID.randomUUID())), "{}".getBytes(StandardCharsets.UTF_8));

        archive.digester(at("11:30:00"), Set.of()).run(() -> true);

        List<SignedDigest> digests = archive.digests(APP);
        assertEquals(List.of(object, record), keys(digests.get(0).digest().objects()),
                "the hour's drained object and run record, neither a foreign name nor another app's record");
        assertEquals(Sha256.hex(archive.get(record)), digests.get(0).digest().objects().get(1).sha256());
        assertEquals(List.of(nextHour), keys(digests.get(1).digest().objects()));

        String late = ProofKeyLayout.format(new ProofKey(APP, at("09:40:00").toEpochMilli(), UUID.randomUUID()));
        archive.put(late, "{\"format\":1}".getBytes(StandardCharsets.UTF_8));
        archive.digester(at("12:30:00"), Set.of()).run(() -> true);
        assertEquals(List.of(late), keys(archive.digests(APP).get(2).digest().lateObjects()),
                "a record put after its hour's digest is recorded late, as an object is");
    }

    @Test
    void a_run_that_is_behind_lists_a_month_once_and_again_only_when_that_listing_is_a_minute_old() {
        for (String time : List.of("01:15:00", "13:30:00", "22:45:00")) {
            archive.putObject(APP, at(time), "<134>1 2026-03-14T" + time + "+00:00 host app web.1 - a");
        }
        List<String> listed = new ArrayList<>();
        long[] elapsed = {0};

        archive.digester(archive.countingListings(listed), NEXT_MORNING, Set.of(), 48, () -> elapsed[0])
                .run(() -> true);
        List<SignedDigest> fromOneListing = archive.digests(APP);
        assertEquals(23, fromOneListing.size());
        assertEquals(2, listed.stream().filter(p -> p.endsWith("/2026/03/")).count(),
                "23 intervals from one month's listing of logs/ and one of proof/: " + listed);

        try (TestArchive again = new TestArchive()) {
            for (String time : List.of("01:15:00", "13:30:00", "22:45:00")) {
                again.putObject(APP, at(time), "<134>1 2026-03-14T" + time + "+00:00 host app web.1 - a");
            }
            listed.clear();
            // Each reading of the elapsed time is 61 s after the one before: a listing is stale by the next interval.
            again.digester(again.countingListings(listed), NEXT_MORNING, Set.of(), 48,
                    () -> elapsed[0] += Duration.ofSeconds(61).toNanos()).run(() -> true);
            List<SignedDigest> relisted = again.digests(APP);
            assertEquals(2 * 23, listed.stream().filter(p -> p.endsWith("/2026/03/")).count(),
                    "a listing older than a minute is never used: each interval is listed again, per kind");
            for (int h = 0; h < 23; h++) {
                assertEquals(keys(fromOneListing.get(h).digest().objects()).size(),
                        keys(relisted.get(h).digest().objects()).size(), "the same objects either way, hour " + h);
            }
        }
    }

    @Test
    void names_the_receiver_cannot_have_written_are_left_out_of_digests() {
        String good = archive.putObject(APP, at("21:05:00"), "<134>1 2026-03-14T21:05:00+00:00 host app web.1 - a");
        archive.put("logs/acme-api/2026/03/14/" + at("21:06:00").toEpochMilli() + "-not-a-uuid.gz",
                TestArchive.gzipLines("planted"));
        archive.put("logs/NOT_AN_APP/2026/03/14/x.gz", TestArchive.gzipLines("planted"));

        ArchiveDigester.Run run = archive.digester(NEXT_MORNING, Set.of()).run(() -> true);

        assertEquals(List.of("NOT_AN_APP"), run.skippedNames());
        assertEquals(List.of(good), keys(archive.digests(APP).get(0).digest().objects()));
    }

    @Test
    void two_runs_at_once_leave_one_digest_per_hour_and_one_chain() throws Exception {
        archive.putObject(APP, at("12:00:00"), "<134>1 2026-03-14T12:00:00+00:00 host app web.1 - a");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ArchiveDigester.Run>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(() -> archive.digester(NEXT_MORNING, Set.of()).run(() -> true)));
            }
            for (Future<ArchiveDigester.Run> run : runs) {
                assertFalse(run.get().failed(), run.get().toString());
            }
        } finally {
            pool.shutdown();
        }
        List<SignedDigest> digests = archive.digests(APP);
        assertEquals(12, digests.size());
        for (int i = 1; i < digests.size(); i++) {
            assertEquals(Optional.empty(), DigestVerifier.linkProblem(digests.get(i - 1), digests.get(i)));
        }
    }

    @Test
    void the_digester_refuses_to_write_anything_but_a_digest_key() {
        S3ArchiveBucket bucket = new S3ArchiveBucket(archive.s3, archive.bucket);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> bucket.putDigest("logs/acme-api/2026/03/14/x.gz", new byte[] {1}));
        assertTrue(bucket.putDigest("digests/acme-api/2026/03/14/0000.jsonl", new byte[] {1}));
        assertFalse(bucket.putDigest("digests/acme-api/2026/03/14/0000.jsonl", new byte[] {2}),
                "an existing digest is never overwritten");
        assertEquals(1, archive.get("digests/acme-api/2026/03/14/0000.jsonl")[0]);
    }

    private static List<String> keys(List<DigestEntry> entries) {
        return entries.stream().map(DigestEntry::key).collect(Collectors.toList());
    }
}
