package io.auditdrain.verifier.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.logs.StatementMatcher;
import io.auditdrain.verifier.store.DirectoryArchiveReader;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.RecordingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The polling logic over a directory store, with a fixed clock: no network, no sleeps beyond the test's bound. */
class TracerSearchTest {

    static final String APP = "my-app";
    static final String TAG = "pgaudit-smoke-1774997998-abcdefghij";
    static final Instant INSERT = Instant.parse("2026-03-31T23:59:58.500Z");
    static final TracerSearch.Settings FAST = new TracerSearch.Settings(Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofMillis(300));

    /** The tracer statement's two chunks, the second one stamped on the next UTC day. */
    static List<List<String>> tracerAcrossMidnight() {
        HerokuPostgresLines format = HerokuPostgresLines.standard();
        HerokuPostgresLines.Prefix prefix = HerokuPostgresLines.Prefix.of(4242, "raptor_app");
        List<String> lines = format.messages(INSERT, prefix, 12, "LOG:  statement: INSERT INTO customer_audit_events"
                + "\n(id) VALUES ('" + TAG + "')");
        return List.of(List.of(lines.get(0)), List.of(lines.get(1)));
    }

    static void writeAcrossMidnight(DrainedObjects objects) {
        HerokuPostgresLines format = HerokuPostgresLines.standard();
        // Before the listing window: holds a decoy that must never be read.
        objects.write(APP, INSERT.minusSeconds(60), format.messages(INSERT.minusSeconds(60),
                HerokuPostgresLines.Prefix.of(1, "raptor_app"), 1, "LOG:  statement: INSERT INTO"
                        + " customer_audit_events (id) VALUES ('" + TAG + "')"));
        List<List<String>> chunks = tracerAcrossMidnight();
        objects.write(APP, Instant.parse("2026-03-31T23:59:59Z"), chunks.get(0));
        objects.write(APP, Instant.parse("2026-04-01T00:00:01Z"), List.of(HerokuPostgresLines.routerLine(
                Instant.parse("2026-04-01T00:00:01Z"))));
        objects.write(APP, Instant.parse("2026-04-01T00:00:02Z"), chunks.get(1));
    }

    @Test
    void finds_a_statement_whose_chunks_lie_on_both_sides_of_a_utc_midnight(@TempDir Path dir) {
        writeAcrossMidnight(DrainedObjects.directory(dir));
        RecordingStore store = new RecordingStore(new DirectoryArchiveReader(dir));
        Clock clock = Clock.fixed(Instant.parse("2026-04-01T00:00:05Z"), ZoneOffset.UTC);

        TracerSearch.Outcome outcome = new TracerSearch(store, APP, FAST, clock, TracerSearch.Progress.NONE)
                .search(INSERT, new StatementMatcher("customer_audit_events", TAG));

        TracerSearch.Found found = assertInstanceOf(TracerSearch.Found.class, outcome);
        assertTrue(found.object().key().startsWith("logs/my-app/2026/04/01/"), found.object().key());
        assertEquals(2, found.message().chunks());
        assertEquals(3, found.objectsRead(), "the decoy before the window is never read");
        assertEquals(List.of(
                new RecordingStore.Listing(ObjectKeyLayout.dayPrefix(APP, LocalDate.of(2026, 3, 31)),
                        ObjectKeyLayout.startAfter(APP, INSERT.minusSeconds(5))),
                new RecordingStore.Listing(ObjectKeyLayout.dayPrefix(APP, LocalDate.of(2026, 4, 1)),
                        ObjectKeyLayout.dayPrefix(APP, LocalDate.of(2026, 4, 1)))), store.listings());
    }

    @Test
    void gives_up_at_the_timeout_and_reads_each_object_once(@TempDir Path dir) {
        DrainedObjects objects = DrainedObjects.directory(dir);
        objects.write(APP, INSERT.plusSeconds(1), List.of(HerokuPostgresLines.routerLine(INSERT.plusSeconds(1))));
        RecordingStore store = new RecordingStore(new DirectoryArchiveReader(dir));
        Clock clock = Clock.fixed(INSERT.plusSeconds(3), ZoneOffset.UTC);

        TracerSearch.Outcome outcome = new TracerSearch(store, APP, FAST, clock, TracerSearch.Progress.NONE)
                .search(INSERT, new StatementMatcher("customer_audit_events", TAG));

        TracerSearch.NotFound nf = assertInstanceOf(TracerSearch.NotFound.class, outcome);
        assertTrue(nf.polls() > 1, "polled more than once");
        assertEquals(1, store.reads().size(), "one object, read once: " + store.reads());
        for (RecordingStore.Listing l : store.listings()) {
            assertTrue(l.startAfter().compareTo(ObjectKeyLayout.startAfter(APP, INSERT.minusSeconds(5))) >= 0,
                    "never lists before the window: " + l);
        }
    }

    @Test
    void later_polls_list_from_behind_the_newest_key_not_from_the_insert(@TempDir Path dir) {
        DrainedObjects objects = DrainedObjects.directory(dir);
        Instant newest = INSERT.plusSeconds(60);
        objects.write(APP, newest, List.of(HerokuPostgresLines.routerLine(newest)));
        RecordingStore store = new RecordingStore(new DirectoryArchiveReader(dir));
        Clock clock = Clock.fixed(INSERT.plusSeconds(90), ZoneOffset.UTC);
        new TracerSearch(store, APP, FAST, clock, TracerSearch.Progress.NONE)
                .search(INSERT, new StatementMatcher("customer_audit_events", TAG));
        List<String> starts = new ArrayList<>();
        store.listings().forEach(l -> starts.add(l.startAfter()));
        assertEquals(ObjectKeyLayout.startAfter(APP, INSERT.minusSeconds(5)), starts.get(0));
        assertTrue(starts.contains(ObjectKeyLayout.startAfter(APP, newest.minusSeconds(5))), starts.toString());
    }

    @Test
    void skips_an_object_that_is_not_gzip_and_keeps_going(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve(ObjectKeyLayout.startAfter(APP, INSERT) + "-00000000-0000-0000-0000-000000000000.gz");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        List<List<String>> chunks = tracerAcrossMidnight();
        DrainedObjects.directory(dir).write(APP, INSERT.plusSeconds(1), List.of(chunks.get(0).get(0),
                chunks.get(1).get(0)));
        ArchiveReader store = new DirectoryArchiveReader(dir);
        List<String> skipped = new ArrayList<>();
        TracerSearch.Progress progress = new TracerSearch.Progress() {
            @Override
            public void polled(int poll, Duration elapsed, int newObjects, int objectsRead) {
            }

            @Override
            public void skipped(String key, String reason) {
                skipped.add(key);
            }
        };
        TracerSearch.Outcome outcome = new TracerSearch(store, APP, FAST, Clock.fixed(INSERT.plusSeconds(2),
                ZoneOffset.UTC), progress).search(INSERT, new StatementMatcher("customer_audit_events", TAG));
        assertInstanceOf(TracerSearch.Found.class, outcome);
        assertEquals(1, skipped.size(), skipped.toString());
    }
}
