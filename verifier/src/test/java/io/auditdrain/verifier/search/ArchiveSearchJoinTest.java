package io.auditdrain.verifier.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKey;
import io.auditdrain.verifier.store.DirectoryArchiveReader;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * search against an independent join, at the scale of the traffic that showed statements cut short: many processes
 * of one database, statements split into Heroku's chunks, the chunks delivered in batches where one in three is held
 * back into a batch up to four minutes later (Logplex retries, lines that waited in its buffer). The generator knows
 * every statement it split; search must print exactly those, whole, in time order, with nothing on stderr.
 */
class ArchiveSearchJoinTest {

    private static final String APP = "acme-api";
    private static final Instant START = Instant.parse("2026-03-14T12:00:00Z");
    private static final int CHUNK = 900;

    @TempDir
    Path dir;

    /** A statement as the generator wrote it: what search must print. */
    private record Written(Instant time, String session, long logLine, String statement, boolean split) {
    }

    /** One Logplex line with the time of the object it may go into. */
    private record Line(Instant stamp, String text) {
    }

    @ParameterizedTest(name = "{0}x traffic")
    @ValueSource(ints = {1, 8})
    void every_statement_comes_out_whole_and_in_time_order_whatever_order_its_chunks_arrive_in(int scale) {
        Random random = new Random(21L * scale);
        List<Written> written = new ArrayList<>();
        TreeMap<Instant, List<Line>> byBatch = new TreeMap<>();
        int processes = 12 * scale;
        Duration span = Duration.ofMinutes(30);
        for (int p = 0; p < processes; p++) {
            long pid = 10_000 + p;
            long sequence = 1;
            long logLine = 1;
            Instant t = START.plusMillis(random.nextInt(60_000));
            while (t.isBefore(START.plus(span))) {
                boolean split = random.nextInt(10) == 0;
                String statement = "INSERT INTO customer_audit_events (id, dimension, action) VALUES ('evt-" + pid
                        + "-" + sequence + "', 'billing', '" + "x".repeat(split ? 1000 + random.nextInt(2500)
                        : random.nextInt(200)) + "')";
                written.add(new Written(t, "6790a3b1." + pid, logLine, statement, split));
                String first = prefix(t, pid, logLine) + "LOG:  statement: ";
                String text = first + statement;
                Instant stamp = t.truncatedTo(ChronoUnit.SECONDS);
                int chunks = (text.length() + CHUNK - 1) / CHUNK;
                for (int m = 1; m <= chunks; m++) {
                    String piece = text.substring((m - 1) * CHUNK, Math.min(text.length(), m * CHUNK));
                    String line = "<134>1 " + stamp.toString().replace("Z", "+00:00") + " host app postgres." + pid
                            + " - [DATABASE] [" + sequence + "-" + m + "] " + piece;
                    // One in three is held back: into a batch up to four minutes later.
                    Instant batch = random.nextInt(3) == 0
                            ? stamp.plusSeconds(1 + random.nextInt(240)) : stamp.plusSeconds(random.nextInt(2));
                    byBatch.computeIfAbsent(batch.truncatedTo(ChronoUnit.SECONDS), b -> new ArrayList<>())
                            .add(new Line(stamp, line));
                }
                sequence++;
                logLine++;
                t = t.plusMillis(2_000 + random.nextInt(60_000 / scale * 4));
            }
        }
        DrainedObjects objects = DrainedObjects.directory(dir);
        for (List<Line> batch : byBatch.values()) {
            Instant newest = batch.stream().map(Line::stamp).max(Comparator.naturalOrder()).orElseThrow();
            objects.write(new ObjectKey(APP, newest.toEpochMilli(), UUID.randomUUID()), batch.stream()
                    .map(Line::text).toList());
        }

        List<ArchiveSearch.Match> matches = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ArchiveSearch.Summary summary = new ArchiveSearch(new DirectoryArchiveReader(dir), APP, new Warnings(warnings))
                .search(new ArchiveSearch.Criteria(START, START.plus(Duration.ofHours(1)), Optional.empty(),
                        Optional.empty(), Optional.empty(), Duration.ofMinutes(5)), matches::add);

        written.sort(Comparator.comparing(Written::time).thenComparing(Written::session)
                .thenComparingLong(Written::logLine));
        List<String> expected = written.stream().map(w -> w.time().truncatedTo(ChronoUnit.MILLIS) + " " + w.session()
                + " " + w.logLine() + " " + w.statement()).toList();
        List<String> actual = matches.stream().map(m -> m.timestamp() + " " + m.sessionId() + " " + m.logLine() + " "
                + m.statement()).toList();
        long split = written.stream().filter(Written::split).count();
        assertTrue(split >= 30 * scale / 2, "the traffic splits statements: " + split);
        assertEquals(expected.size(), actual.size(), "every statement once");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "record " + i + " of " + expected.size());
        }
        assertEquals(List.of(), warnings);
        assertEquals(0, summary.incomplete());
        assertTrue(summary.joinedAcrossObjects() > 0, "chunks were joined across objects");

        // As CSV, a text sort keeps the order: times carry milliseconds.
        StringWriter csv = new StringWriter();
        PrintWriter out = new PrintWriter(csv, true);
        matches.forEach(m -> MatchFormat.CSV.print(out, m));
        List<String> rows = List.of(csv.toString().split("\r?\n"));
        List<String> times = rows.stream().map(r -> r.substring(0, r.indexOf(','))).toList();
        assertEquals(times.stream().sorted().toList(), times);
    }

    private static String prefix(Instant t, long pid, long logLine) {
        return " sql_error_code = 00000 time_ms = \"" + t.truncatedTo(ChronoUnit.MILLIS).toString().replace("T", " ")
                .replace("Z", "") + " UTC\" pid=\"" + pid + "\" proc_start_time=\"2026-03-14 00:00:00 UTC\""
                + " session_id=\"6790a3b1." + pid + "\" vtid=\"3/17\" tid=\"0\" log_line=\"" + logLine + "\""
                + " database=\"d1abc\" connection_source=\"10.0.0.1(40000)\" user=\"raptor_app\""
                + " application_name=\"web.1\" ";
    }

    private record Warnings(List<String> warnings) implements ArchiveSearch.Progress {
        @Override
        public void warning(String warning) {
            warnings.add(warning);
        }
    }
}
