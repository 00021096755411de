package io.auditdrain.verifier.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.logs.StatementMatcher;
import io.auditdrain.verifier.store.S3ArchiveReader;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.RecordingStore;
import io.auditdrain.verifier.testsupport.TestBucket;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The polling logic against the S3 API (ListObjectsV2 with StartAfter and pagination) on the emulator. */
class TracerSearchIT {

    @Test
    void finds_the_tracer_across_a_utc_midnight_listing_two_day_prefixes_in_s3() {
        TestBucket bucket = new TestBucket();
        TracerSearchTest.writeAcrossMidnight(bucket.objects());
        RecordingStore store = new RecordingStore(new S3ArchiveReader(bucket.s3(), bucket.name()));
        Clock clock = Clock.fixed(Instant.parse("2026-04-01T00:00:05Z"), ZoneOffset.UTC);

        TracerSearch.Outcome outcome = new TracerSearch(store, TracerSearchTest.APP, TracerSearchTest.FAST, clock,
                TracerSearch.Progress.NONE).search(TracerSearchTest.INSERT,
                new StatementMatcher("customer_audit_events", TracerSearchTest.TAG));

        TracerSearch.Found found = assertInstanceOf(TracerSearch.Found.class, outcome);
        assertTrue(found.object().key().startsWith("logs/my-app/2026/04/01/"), found.object().key());
        assertEquals(3, found.objectsRead());
        assertEquals(ObjectKeyLayout.dayPrefix("my-app", LocalDate.of(2026, 4, 1)),
                store.listings().get(1).prefix());
    }

    @Test
    void follows_every_page_of_a_listing() {
        TestBucket bucket = new TestBucket();
        Instant insert = TracerSearchTest.INSERT;
        for (int i = 1; i <= 7; i++) {
            Instant t = insert.plusSeconds(i);
            bucket.objects().write(TracerSearchTest.APP, t, List.of(HerokuPostgresLines.routerLine(t)));
        }
        bucket.objects().write(TracerSearchTest.APP, insert.plusSeconds(8), List.of(
                TracerSearchTest.tracerAcrossMidnight().get(0).get(0),
                TracerSearchTest.tracerAcrossMidnight().get(1).get(0)));
        S3ArchiveReader store = new S3ArchiveReader(bucket.s3(), bucket.name(), 2);
        TracerSearch.Outcome outcome = new TracerSearch(store, TracerSearchTest.APP, TracerSearchTest.FAST,
                Clock.fixed(insert.plusSeconds(10), ZoneOffset.UTC), TracerSearch.Progress.NONE)
                .search(insert, new StatementMatcher("customer_audit_events", TracerSearchTest.TAG));
        assertEquals(8, assertInstanceOf(TracerSearch.Found.class, outcome).objectsRead());
    }
}
