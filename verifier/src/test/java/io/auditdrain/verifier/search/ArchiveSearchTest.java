package io.auditdrain.verifier.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.store.DirectoryArchiveReader;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import io.auditdrain.verifier.testsupport.RecordingStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * search over objects in a directory store, written as the receiver writes them, with Heroku Postgres lines as
 * Heroku sends them: statements in several chunks, across objects and across midnight.
 */
class ArchiveSearchTest {

    private static final String APP = "acme-api";
    private static final String AUDIT = "customer_audit_events";

    @TempDir
    Path dir;
    private DrainedObjects objects;

    @BeforeEach
    void setUp() {
        objects = DrainedObjects.directory(dir);
    }

    /** The prefix Heroku writes before each log line of a Postgres message. */
    private static String prefix(Instant t, long pid, int logLine, String user) {
        return " sql_error_code = 00000 time_ms = \"" + t.toString().replace("T", " ").replace("Z", "") + " UTC\""
                + " pid=\"" + pid + "\" proc_start_time=\"2026-03-14 00:00:00 UTC\" session_id=\"6790a3b1." + pid
                + "\" vtid=\"3/17\" tid=\"0\" log_line=\"" + logLine + "\" database=\"d1abc\" connection_source="
                + "\"10.0.0.1(40000)\" user=\"" + user + "\" application_name=\"web.1\" ";
    }

    /** Chunk {@code m} of message {@code n} of process {@code pid}, stamped {@code t}. */
    private static String chunk(Instant t, long pid, long n, int m, String text) {
        return "<134>1 " + t.toString().replace("Z", "+00:00") + " host app postgres." + pid + " - [DATABASE] [" + n
                + "-" + m + "] " + text;
    }

    private static String router(Instant t) {
        return "<158>1 " + t.toString().replace("Z", "+00:00") + " host heroku router - at=info method=GET path=\"/\"";
    }

    private List<ArchiveSearch.Match> search(Instant from, Instant to, Optional<String> table, Optional<String> role,
                                             Optional<String> contains) {
        return search(from, to, table, role, contains, new ArrayList<>());
    }

    private List<ArchiveSearch.Match> search(Instant from, Instant to, Optional<String> table, Optional<String> role,
                                             Optional<String> contains, List<String> warnings) {
        List<ArchiveSearch.Match> matches = new ArrayList<>();
        new ArchiveSearch(new DirectoryArchiveReader(dir), APP, new ArchiveSearch.Progress() {
            @Override
            public void warning(String warning) {
                warnings.add(warning);
            }
        }).search(new ArchiveSearch.Criteria(from, to, table.map(SqlIdentifier::of), role, contains,
                Duration.ofMinutes(5)), matches::add);
        return matches;
    }

    @Test
    void a_statement_in_chunks_across_two_objects_and_across_midnight_is_one_record() {
        Instant t = Instant.parse("2026-03-14T23:59:59Z");
        Instant next = Instant.parse("2026-03-15T00:00:02Z");
        String first = objects.write(APP, t, List.of(router(t.minusSeconds(1)),
                chunk(t, 4242, 31, 1, prefix(t, 4242, 7, "raptor_app") + "LOG:  statement: INSERT INTO " + AUDIT),
                chunk(t, 4242, 31, 2, " (id, dimension, customer_id, actor_id, actor_type, action)")));
        String second = objects.write(APP, next, List.of(
                chunk(t, 4242, 31, 3, "\tVALUES ('evt-1', 'billing', 42, 'usr_7', 'user', 'plan.changed')"),
                router(next)));

        List<ArchiveSearch.Match> matches = search(Instant.parse("2026-03-14T23:00:00Z"),
                Instant.parse("2026-03-15T01:00:00Z"), Optional.of(AUDIT), Optional.empty(), Optional.empty());

        assertEquals(1, matches.size(), matches.toString());
        ArchiveSearch.Match m = matches.get(0);
        assertEquals("INSERT INTO " + AUDIT + " (id, dimension, customer_id, actor_id, actor_type, action)"
                + "\tVALUES ('evt-1', 'billing', 42, 'usr_7', 'user', 'plan.changed')", m.statement());
        assertEquals(List.of(first, second), m.keys());
        assertTrue(first.startsWith("logs/acme-api/2026/03/14/") && second.startsWith("logs/acme-api/2026/03/15/"));
        assertEquals(t, m.timestamp());
        assertEquals("4242", m.pid());
        assertEquals("6790a3b1.4242", m.sessionId());
        assertEquals("7", m.logLine());
        assertEquals("raptor_app", m.user());
        assertEquals("d1abc", m.database());
        assertEquals("statement", m.kind());
        assertNull(m.parameters());
    }

    @Test
    void an_execute_line_carries_the_bind_values_of_its_detail_line() {
        Instant t = Instant.parse("2026-03-14T12:00:00Z");
        objects.write(APP, t, List.of(
                chunk(t, 77, 5, 1, prefix(t, 77, 3, "raptor_app") + "LOG:  execute <unnamed>: INSERT INTO " + AUDIT
                        + " (id, action) VALUES ($1, $2)"),
                chunk(t, 77, 5, 2, prefix(t, 77, 4, "raptor_app") + "DETAIL:  parameters: $1 = 'evt-9', $2 = 'x'")));

        List<ArchiveSearch.Match> matches = search(t, t.plusSeconds(1), Optional.empty(), Optional.empty(),
                Optional.of("evt-9"));

        assertEquals(1, matches.size(), matches.toString());
        assertEquals("execute", matches.get(0).kind());
        assertEquals("$1 = 'evt-9', $2 = 'x'", matches.get(0).parameters());
        assertEquals("INSERT INTO " + AUDIT + " (id, action) VALUES ($1, $2)", matches.get(0).statement());
    }

    @Test
    void the_table_role_and_text_criteria_each_narrow_the_records() {
        Instant t = Instant.parse("2026-03-14T12:00:00Z");
        List<String> lines = new ArrayList<>();
        String[][] statements = {
            {"raptor_app", "INSERT INTO " + AUDIT + " (id) VALUES ('a')"},
            {"raptor_app", "UPDATE public." + AUDIT + " SET action = 'x' WHERE id = 'a'"},
            {"raptor_app", "DELETE FROM \"" + AUDIT + "\" WHERE id = 'a'"},
            {"raptor_app", "INSERT INTO users_history (operation) VALUES ('" + AUDIT + "')"},
            {"audit_owner", "TRUNCATE " + AUDIT},
            {"raptor_app", "SELECT * FROM " + AUDIT},
        };
        for (int i = 0; i < statements.length; i++) {
            lines.add(chunk(t, 100 + i, 1, 1, prefix(t, 100 + i, 1, statements[i][0]) + "LOG:  statement: "
                    + statements[i][1]));
        }
        objects.write(APP, t, lines);

        Instant to = t.plusSeconds(1);
        assertEquals(List.of("INSERT", "UPDATE", "DELETE", "TRUNCATE"), commands(search(t, to, Optional.of(AUDIT),
                Optional.empty(), Optional.empty())), "writes of the table, not a mention in a literal or a SELECT");
        assertEquals(List.of("INSERT", "UPDATE", "DELETE"), commands(search(t, to, Optional.of("public." + AUDIT),
                Optional.of("raptor_app"), Optional.empty())));
        assertEquals(List.of("UPDATE"), commands(search(t, to, Optional.of(AUDIT), Optional.empty(),
                Optional.of("SET action"))));
        assertEquals(6, search(t, to, Optional.empty(), Optional.empty(), Optional.empty()).size());
    }

    private static List<String> statements(List<ArchiveSearch.Match> matches) {
        return matches.stream().map(ArchiveSearch.Match::statement).toList();
    }

    private static List<String> commands(List<ArchiveSearch.Match> matches) {
        return matches.stream().map(m -> m.statement().split(" ")[0]).toList();
    }

    @Test
    void only_the_keys_of_the_range_are_listed_and_lines_outside_it_are_dropped() {
        Instant from = Instant.parse("2026-03-14T12:00:00Z");
        Instant to = Instant.parse("2026-03-14T13:00:00Z");
        String before = objects.write(APP, from.minusSeconds(1), List.of(chunk(from.minusSeconds(1), 1, 1, 1,
                prefix(from.minusSeconds(1), 1, 1, "raptor_app") + "LOG:  statement: INSERT INTO " + AUDIT + " (id) VALUES ('early')")));
        // Named after its newest line (13:02) but holding a line of 12:59:59 that waited in Logplex's buffer.
        Instant waited = to.minusSeconds(1);
        objects.write(APP, to.plusSeconds(120), List.of(
                chunk(waited, 2, 1, 1, prefix(waited, 2, 1, "raptor_app") + "LOG:  statement: INSERT INTO " + AUDIT
                        + " (id) VALUES ('buffered')"),
                chunk(to.plusSeconds(120), 3, 1, 1, prefix(to.plusSeconds(120), 3, 1, "raptor_app")
                        + "LOG:  statement: INSERT INTO " + AUDIT + " (id) VALUES ('too late')")));
        String beyondMargin = objects.write(APP, to.plus(Duration.ofMinutes(6)), List.of(router(to)));
        RecordingStore store = new RecordingStore(new DirectoryArchiveReader(dir));
        List<ArchiveSearch.Match> matches = new ArrayList<>();

        new ArchiveSearch(store, APP, ArchiveSearch.Progress.NONE).search(new ArchiveSearch.Criteria(from, to,
                Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofMinutes(5)), matches::add);

        assertEquals(List.of("INSERT INTO " + AUDIT + " (id) VALUES ('buffered')"),
                matches.stream().map(ArchiveSearch.Match::statement).toList());
        assertEquals(List.of(new RecordingStore.Listing("logs/acme-api/2026/03/14/",
                ObjectKeyLayout.startAfter(APP, from))), store.listings());
        assertTrue(!store.reads().contains(before) && !store.reads().contains(beyondMargin), store.reads().toString());
        assertEquals(1, store.reads().size(), "each object in range read once: " + store.reads());
    }

    @Test
    void objects_of_the_same_second_read_out_of_order_still_give_each_statement_whole_and_in_time_order() {
        Instant t = Instant.parse("2026-03-14T12:00:05Z");
        // Both objects are named after the same second; the one holding the end of message 8 sorts (and is read)
        // after the one holding process 5's next message.
        objects.write(new ObjectKey(APP, t.toEpochMilli(), UUID.fromString("00000000-0000-4000-8000-000000000001")),
                List.of(chunk(t, 5, 8, 1, prefix(t, 5, 3, "raptor_app") + "LOG:  statement: INSERT INTO " + AUDIT),
                        chunk(t, 5, 9, 1, prefix(t, 5, 4, "raptor_app") + "LOG:  statement: DELETE FROM " + AUDIT)));
        objects.write(new ObjectKey(APP, t.toEpochMilli(), UUID.fromString("ffffffff-0000-4000-8000-000000000001")),
                List.of(chunk(t, 5, 8, 2, " (id) VALUES ('late chunk')")));

        List<ArchiveSearch.Match> matches = search(t, t.plusSeconds(1), Optional.of(AUDIT), Optional.empty(),
                Optional.empty());

        assertEquals(List.of("INSERT INTO " + AUDIT + " (id) VALUES ('late chunk')", "DELETE FROM " + AUDIT),
                matches.stream().map(ArchiveSearch.Match::statement).toList());
        assertEquals(2, matches.get(0).keys().size());
    }

    @Test
    void a_statement_whose_chunks_arrive_out_of_order_in_objects_minutes_apart_is_whole() {
        Instant t = Instant.parse("2026-03-14T12:00:05Z");
        // The first object holds chunk 1 and the process's next message; chunk 2 arrives three minutes later.
        objects.write(APP, t.plusSeconds(2), List.of(
                chunk(t, 5, 8, 1, prefix(t, 5, 3, "raptor_app") + "LOG:  statement: UPDATE " + AUDIT + " SET action"
                        + " = 'x'"),
                chunk(t.plusSeconds(2), 5, 9, 1, prefix(t.plusSeconds(2), 5, 4, "raptor_app") + "LOG:  statement:"
                        + " INSERT INTO " + AUDIT + " (id) VALUES ('b')")));
        objects.write(APP, t.plus(Duration.ofMinutes(3)), List.of(router(t.plus(Duration.ofMinutes(3))),
                chunk(t, 5, 8, 2, " WHERE id = 'a'")));

        List<String> warnings = new ArrayList<>();
        List<ArchiveSearch.Match> matches = search(t, t.plusSeconds(60), Optional.of(AUDIT), Optional.empty(),
                Optional.empty(), warnings);

        assertEquals(List.of("UPDATE " + AUDIT + " SET action = 'x' WHERE id = 'a'",
                "INSERT INTO " + AUDIT + " (id) VALUES ('b')"), statements(matches),
                "whole, not cut at its first chunk");
        assertEquals(List.of(), warnings);
        assertNull(matches.get(0).incomplete());
    }

    @Test
    void records_come_in_time_order_across_processes_including_each_process_last_statement() {
        Instant t = Instant.parse("2026-03-14T12:00:00Z");
        // Process 1 logs once, early; process 2 keeps logging. A process's last statement has no next message.
        objects.write(APP, t, List.of(chunk(t, 1, 1, 1, prefix(t, 1, 1, "raptor_app") + "LOG:  statement: INSERT"
                + " INTO " + AUDIT + " (id) VALUES ('first')")));
        for (int i = 1; i <= 3; i++) {
            Instant ti = t.plus(Duration.ofMinutes(2L * i));
            objects.write(APP, ti, List.of(chunk(ti, 2, i, 1, prefix(ti, 2, i, "raptor_app") + "LOG:  statement:"
                    + " INSERT INTO " + AUDIT + " (id) VALUES ('p2-" + i + "')")));
        }

        List<ArchiveSearch.Match> matches = search(t, t.plus(Duration.ofHours(1)), Optional.empty(), Optional.empty(),
                Optional.empty());

        assertEquals(List.of("('first')", "('p2-1')", "('p2-2')", "('p2-3')"), matches.stream()
                .map(m -> m.statement().substring(m.statement().lastIndexOf('('))).toList());
    }

    @Test
    void a_statement_missing_a_chunk_is_printed_incomplete_with_a_warning() {
        Instant t = Instant.parse("2026-03-14T12:00:05Z");
        objects.write(APP, t, List.of(
                chunk(t, 5, 8, 1, prefix(t, 5, 3, "raptor_app") + "LOG:  statement: UPDATE " + AUDIT + " SET a ="),
                chunk(t, 5, 8, 3, " WHERE id = 'a'"),
                chunk(t.plusSeconds(1), 6, 4, 2, "VALUES ('orphan', '" + AUDIT + "')")));

        List<String> warnings = new ArrayList<>();
        List<ArchiveSearch.Match> matches = search(t, t.plusSeconds(60), Optional.of(AUDIT), Optional.empty(),
                Optional.empty(), warnings);

        assertEquals(2, matches.size(), matches.toString());
        assertEquals("UPDATE " + AUDIT + " SET a = WHERE id = 'a'", matches.get(0).statement());
        assertEquals("chunk 2 of postgres.5 [DATABASE] message 8 missing", matches.get(0).incomplete());
        assertEquals("fragment", matches.get(1).kind());
        assertTrue(matches.get(1).incomplete().startsWith("chunk 1 of postgres.6 [DATABASE] message 4 missing"),
                matches.get(1).incomplete());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("is printed incomplete: chunk 2"), warnings.get(0));
        StringWriter text = new StringWriter();
        MatchFormat.TEXT.print(new PrintWriter(text, true), matches.get(0));
        assertTrue(text.toString().contains("[INCOMPLETE: chunk 2 of postgres.5 [DATABASE] message 8 missing]"),
                text.toString());
    }

    @Test
    void whole_second_times_print_with_milliseconds_so_that_text_order_is_time_order() {
        Instant whole = Instant.parse("2026-03-14T12:00:00Z");
        Instant later = Instant.parse("2026-03-14T12:00:00.5Z");
        ArchiveSearch.Match a = new ArchiveSearch.Match(whole, "9", "s.9", "1", "u", "d", "a", "statement", null,
                "INSERT INTO t VALUES (1)", null, List.of("k"), null, null);
        ArchiveSearch.Match b = new ArchiveSearch.Match(later, "9", "s.9", "2", "u", "d", "a", "statement", null,
                "INSERT INTO t VALUES (2)", null, List.of("k"), null, null);
        StringWriter csv = new StringWriter();
        PrintWriter out = new PrintWriter(csv, true);
        MatchFormat.CSV.print(out, a);
        MatchFormat.CSV.print(out, b);
        String[] rows = csv.toString().split("\r?\n");
        assertTrue(rows[0].startsWith("2026-03-14T12:00:00.000Z,") && rows[1].startsWith("2026-03-14T12:00:00.500Z,"),
                csv.toString());
        assertTrue(rows[0].compareTo(rows[1]) < 0, "as text too");
    }

    @Test
    void the_verifiers_tracer_and_probe_are_marked_only_where_its_role_logged_them() {
        Instant t = Instant.parse("2026-03-14T12:00:00Z");
        String tracer = "INSERT INTO " + AUDIT + " (id) VALUES ('pgaudit-smoke-1773489600-abcdefghij')";
        String probe = "/* auditdrain-probe-1773489600-abcdefghij */ DELETE FROM users WHERE id = -1";
        objects.write(APP, t, List.of(
                chunk(t, 1, 1, 1, prefix(t, 1, 1, "raptor_app") + "LOG:  statement: " + tracer),
                chunk(t, 1, 2, 1, prefix(t, 1, 2, "raptor_app") + "LOG:  statement: " + probe),
                chunk(t, 2, 1, 1, prefix(t, 2, 1, "raptor_owner") + "LOG:  statement: " + tracer),
                chunk(t, 2, 2, 1, prefix(t, 2, 2, "raptor_owner") + "LOG:  statement: " + probe),
                chunk(t, 3, 1, 1, prefix(t, 3, 1, "raptor_app") + "LOG:  statement: INSERT INTO " + AUDIT
                        + " (id) VALUES ('evt-1')")));
        Instant to = t.plusSeconds(1);
        List<ArchiveSearch.Match> marked = new ArrayList<>();
        new ArchiveSearch(new DirectoryArchiveReader(dir), APP, ArchiveSearch.Progress.NONE).search(
                new ArchiveSearch.Criteria(t, to, Optional.empty(), Optional.empty(), Optional.empty(),
                        Duration.ofMinutes(5), Optional.of("raptor_app"), false), marked::add);
        assertEquals(List.of("raptor_app tracer", "raptor_app probe", "raptor_owner null", "raptor_owner null",
                "raptor_app null"), marked.stream().map(m -> m.user() + " " + m.verifier()).toList());

        List<ArchiveSearch.Match> without = new ArrayList<>();
        new ArchiveSearch(new DirectoryArchiveReader(dir), APP, ArchiveSearch.Progress.NONE).search(
                new ArchiveSearch.Criteria(t, to, Optional.empty(), Optional.empty(), Optional.empty(),
                        Duration.ofMinutes(5), Optional.of("raptor_app"), true), without::add);
        assertEquals(List.of("raptor_owner", "raptor_owner", "raptor_app"),
                without.stream().map(ArchiveSearch.Match::user).toList(), "the owner's disguised writes stay");

        assertTrue(search(t, to, Optional.empty(), Optional.empty(), Optional.empty()).stream()
                .allMatch(m -> m.verifier() == null), "nothing is marked without the verifier's role");
    }

    @Test
    void a_line_stored_twice_by_two_drains_is_one_record() {
        Instant t = Instant.parse("2026-03-14T12:00:00Z");
        String line = chunk(t, 9, 4, 1, prefix(t, 9, 2, "raptor_app") + "LOG:  statement: INSERT INTO " + AUDIT
                + " (id) VALUES ('once')");
        objects.write(APP, t, List.of(line));
        objects.write(APP, t, List.of(router(t), line));

        assertEquals(1, search(t, t.plusSeconds(1), Optional.empty(), Optional.empty(), Optional.empty()).size());
    }

    @Test
    void csv_quotes_what_needs_it_and_json_lines_hold_one_object_each() {
        ArchiveSearch.Match m = new ArchiveSearch.Match(Instant.parse("2026-03-14T12:00:00Z"), "9", "s.9", "2",
                "raptor_app", "d1abc", "web.1", "statement", null, "INSERT INTO t (a, b) VALUES ('say \"hi\"',\n1)",
                null, List.of("logs/a/2026/03/14/x.gz"), null, null);
        StringWriter csv = new StringWriter();
        MatchFormat.CSV.start(new PrintWriter(csv, true));
        MatchFormat.CSV.print(new PrintWriter(csv, true), m);
        assertEquals("timestamp,pid,session_id,log_line,user,database,application_name,kind,duration_ms,statement,"
                + "parameters,key,incomplete,verifier\n2026-03-14T12:00:00.000Z,9,s.9,2,raptor_app,d1abc,web.1,statement,,"
                + "\"INSERT INTO t (a, b) VALUES ('say \"\"hi\"\"',\n1)\",,logs/a/2026/03/14/x.gz,,\n",
                csv.toString().replace("\r\n", "\n"));
        StringWriter jsonl = new StringWriter();
        MatchFormat.JSONL.print(new PrintWriter(jsonl, true), m);
        assertEquals("{\"timestamp\":\"2026-03-14T12:00:00.000Z\",\"pid\":\"9\",\"session_id\":\"s.9\",\"log_line\":\"2\","
                + "\"user\":\"raptor_app\",\"database\":\"d1abc\",\"application_name\":\"web.1\",\"kind\":\"statement\","
                + "\"duration_ms\":null,\"statement\":\"INSERT INTO t (a, b) VALUES ('say \\\"hi\\\"',\\n1)\","
                + "\"parameters\":null,\"key\":\"logs/a/2026/03/14/x.gz\",\"incomplete\":null,\"verifier\":null}\n",
                jsonl.toString().replace("\r\n", "\n"));
        StringWriter text = new StringWriter();
        MatchFormat.TEXT.print(new PrintWriter(text, true), m);
        assertEquals("2026-03-14T12:00:00.000Z  raptor_app@d1abc  pid 9  session s.9  INSERT INTO t (a, b) VALUES"
                + " ('say \"hi\"',\\n1)  (logs/a/2026/03/14/x.gz)\n", text.toString().replace("\r\n", "\n"));
    }
}
