package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.testing.LogplexFixtures;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HerokuPostgresFormatTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:15:31.999Z");
    private static final String PREFIX = " sql_error_code = 00000 time_ms = \"2026-11-22 10:15:30.250 UTC\""
            + " pid=\"4242\" proc_start_time=\"2026-11-22 10:15:29 UTC\" session_id=\"6b034cd7.4242\" vtid=\"3/7\""
            + " tid=\"0\" log_line=\"%d\" database=\"app_db\" connection_source=\"127.0.0.1(50432)\""
            + " user=\"raptor_app\" application_name=\"psql\" ";

    private final HerokuPostgresFormat format = new HerokuPostgresFormat("DATABASE", 900);

    private static String text(SyslogMessage m) {
        return m.text();
    }

    private static byte[] frames(List<SyslogMessage> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        messages.forEach(m -> out.writeBytes(m.frame()));
        return out.toByteArray();
    }

    @Test
    void the_pganalyze_heroku_sample_is_reproduced_byte_for_byte() {
        HerokuPostgresFormat yellow = new HerokuPostgresFormat("YELLOW", 900);
        // The backend inherits the postmaster's syslog sequence (11 events here), so its first event is [12-...].
        for (int i = 1; i <= 11; i++) {
            yellow.format(Records.background("1", "postmaster", i, "event " + i).build(), NOW);
        }
        PostgresLogRecord record = Records.clientBackend("1991397", 3,
                        "duration: 2405.887 ms  statement: WITH naptime(value) AS (\nSELECT")
                .set(0, "2023-06-05 19:33:14.793 UTC").set(1, "useruseruserus").set(2, "databasedataba")
                .set(4, "11.222.333.444:12345").set(5, "647e3878.1e62e5").set(8, "2023-06-05 19:33:12 UTC")
                .set(9, "2/0").set(22, "pganalyze_test_run").build();
        List<SyslogMessage> messages = yellow.format(record, NOW);

        // Heroku's PROCID number is the host's pid of the process, not pid="..." (the container's); ours is pid.
        String ours = new String(frames(messages), UTF_8).replace("postgres.1991397", "postgres.1105947");
        assertEquals(new String(LogplexFixtures.body("pganalyze-heroku-postgres-statement-2chunks-body.txt"), UTF_8),
                ours);
    }

    @Test
    void a_short_statement_is_one_chunk_with_the_heroku_prefix() {
        List<SyslogMessage> messages = format.format(Records.clientBackend("4242", 1,
                "statement: INSERT INTO customer_audit_events (id) VALUES ('t-1')").build(), NOW);
        assertEquals(1, messages.size());
        SyslogMessage m = messages.get(0);
        assertEquals("[DATABASE] [1-1] " + PREFIX.formatted(1)
                + "LOG:  statement: INSERT INTO customer_audit_events (id) VALUES ('t-1')", m.text());
        assertEquals("<134>1 2026-11-22T10:15:30+00:00 host app postgres.4242 - " + m.text() + "\n",
                new String(m.bytes(), UTF_8));
        byte[] frame = m.frame();
        assertTrue(new String(frame, UTF_8).startsWith(m.bytes().length + " <134>1 "), "count includes the LF");
    }

    @Test
    void a_multi_line_statement_gives_one_chunk_per_line_and_joins_back() {
        String statement = "INSERT INTO customer_audit_events\n  (id, action)\nVALUES ('t-2', 'x');";
        List<SyslogMessage> messages = format.format(Records.clientBackend("4242", 1, "statement: " + statement)
                .build(), NOW);
        assertEquals(List.of("[DATABASE] [1-1] " + PREFIX.formatted(1) + "LOG:  statement: INSERT INTO"
                        + " customer_audit_events", "[DATABASE] [1-2] \t  (id, action)",
                "[DATABASE] [1-3] \tVALUES ('t-2', 'x');"),
                messages.stream().map(HerokuPostgresFormatTest::text).toList());

        List<HerokuChunks.Event> events = HerokuChunks.read(frames(messages));
        assertEquals(1, events.size());
        assertEquals(PREFIX.formatted(1) + "LOG:  statement: " + statement, events.get(0).text());
        assertEquals("postgres.4242", events.get(0).procId());
    }

    @Test
    void a_blank_line_in_a_statement_is_a_chunk_holding_only_the_tab() {
        List<SyslogMessage> messages = format.format(Records.clientBackend("4242", 1, "statement: SELECT 1\n\n;")
                .build(), NOW);
        assertEquals("[DATABASE] [1-2] \t", messages.get(1).text());
        assertEquals("[DATABASE] [1-3] \t;", messages.get(2).text());
        assertEquals(PREFIX.formatted(1) + "LOG:  statement: SELECT 1\n\n;",
                HerokuChunks.read(frames(messages)).get(0).text());
    }

    @Test
    void a_long_line_is_split_at_whitespace_within_the_limit_and_only_chunk_one_has_the_prefix() {
        StringBuilder values = new StringBuilder("INSERT INTO customer_audit_events (id) VALUES ");
        for (int i = 0; i < 300; i++) {
            values.append(i == 0 ? "" : ", ").append("('tracer-").append(i).append("')");
        }
        String statement = values.toString();
        List<SyslogMessage> messages = new HerokuPostgresFormat("DATABASE", 200).format(
                Records.clientBackend("4242", 1, "statement: " + statement).build(), NOW);
        assertTrue(messages.size() > 20);
        for (int i = 0; i < messages.size(); i++) {
            String chunk = messages.get(i).text().substring(("[DATABASE] [1-" + (i + 1) + "] ").length());
            assertTrue(chunk.getBytes(UTF_8).length <= 200, "chunk " + (i + 1) + " within the limit");
            assertEquals(i == 0, chunk.contains("sql_error_code"), "prefix only in chunk 1");
            if (i > 0) {
                assertTrue(chunk.startsWith(" "), "split at a space: " + chunk);
            }
        }
        assertEquals(PREFIX.formatted(1) + "LOG:  statement: " + statement,
                HerokuChunks.read(frames(messages)).get(0).text());
    }

    @Test
    void a_long_word_is_split_at_the_limit_but_never_inside_a_utf8_character() {
        String word = "é".repeat(400); // 800 bytes, no whitespace
        List<byte[]> chunks = SyslogChunker.split(("x" + word + "\n").getBytes(UTF_8), 101);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            assertTrue(chunk.length <= 101);
            String s = new String(chunk, UTF_8);
            assertFalse(s.contains("\uFFFD"), "whole characters only");
            joined.writeBytes(chunk);
        }
        assertArrayEquals(("x" + word).getBytes(UTF_8), joined.toByteArray());
        assertEquals(100, chunks.get(1).length, "an odd limit is clipped to the character boundary");
    }

    @Test
    void bind_parameters_follow_as_a_detail_chunk_with_its_own_prefix() {
        List<SyslogMessage> messages = format.format(Records.clientBackend("4242", 1,
                        "execute <unnamed>: INSERT INTO customer_audit_events (id) VALUES ($1)")
                .detail("parameters: $1 = 'pgaudit-smoke-1'").build(), NOW);
        assertEquals(List.of("[DATABASE] [1-1] " + PREFIX.formatted(1) + "LOG:  execute <unnamed>: INSERT INTO"
                        + " customer_audit_events (id) VALUES ($1)",
                "[DATABASE] [1-2] " + PREFIX.formatted(2) + "DETAIL:  parameters: $1 = 'pgaudit-smoke-1'"),
                messages.stream().map(HerokuPostgresFormatTest::text).toList());

        // log_line counts prefixes: the next event's first line is csvlog's line 2 plus the DETAIL line before it.
        List<SyslogMessage> next = format.format(Records.clientBackend("4242", 2, "statement: SELECT 2").build(), NOW);
        assertEquals("[DATABASE] [2-1] " + PREFIX.formatted(3) + "LOG:  statement: SELECT 2", next.get(0).text());
    }

    @Test
    void an_error_carries_its_statement_and_a_warning_priority() {
        List<SyslogMessage> messages = format.format(Records.clientBackend("4242", 1,
                        "relation \"missing_table\" does not exist").severity("ERROR", "42P01")
                .query("INSERT INTO missing_table VALUES (1);").set(20, "13").build(), NOW);
        assertEquals(2, messages.size());
        assertEquals(16 * 8 + 4, messages.get(0).priority());
        String errorPrefix = PREFIX.formatted(1).replace("00000", "42P01");
        assertEquals("[DATABASE] [1-1] " + errorPrefix + "ERROR:  relation \"missing_table\" does not exist at"
                + " character 13", messages.get(0).text());
        assertEquals("[DATABASE] [1-2] " + PREFIX.formatted(2).replace("00000", "42P01")
                + "STATEMENT:  INSERT INTO missing_table VALUES (1);", messages.get(1).text());
    }

    @Test
    void a_process_without_a_connection_stops_its_prefix_at_percent_q() {
        SyslogMessage m = format.format(Records.background("77", "checkpointer", 1, "checkpoint starting: time")
                .build(), NOW).get(0);
        assertEquals("[DATABASE] [1-1]  sql_error_code = 00000 time_ms = \"2026-11-22 10:15:00.001 UTC\" pid=\"77\""
                + " proc_start_time=\"2026-11-22 10:14:59 UTC\" session_id=\"6b034cd7.77\" vtid=\"\" tid=\"0\""
                + " log_line=\"1\" LOG:  checkpoint starting: time", m.text());
    }

    @Test
    void each_process_counts_its_own_events() {
        List<String> heads = new ArrayList<>();
        for (String pid : List.of("10", "11", "10", "10", "11")) {
            heads.add(format.format(Records.clientBackend(pid, 1, "statement: SELECT").build(), NOW).get(0).text()
                    .substring(0, 17));
        }
        assertEquals(List.of("[DATABASE] [1-1] ", "[DATABASE] [1-1] ", "[DATABASE] [2-1] ", "[DATABASE] [3-1] ",
                "[DATABASE] [2-1] "), heads);
    }

    @Test
    void a_reused_pid_with_a_new_session_counts_from_the_start_again() {
        format.format(Records.clientBackend("4242", 1, "statement: SELECT 1").build(), NOW);
        format.format(Records.clientBackend("4242", 2, "statement: SELECT 2").build(), NOW);
        SyslogMessage reused = format.format(Records.clientBackend("4242", 1, "statement: SELECT 3")
                .set(5, "6b0400aa.4242").build(), NOW).get(0);
        assertTrue(reused.text().startsWith("[DATABASE] [1-1] "), reused.text());
    }

    @Test
    void an_unreadable_log_time_is_stamped_with_the_arrival_time_in_whole_seconds() {
        SyslogMessage m = format.format(Records.clientBackend("4242", 1, "statement: SELECT").set(0, "garbled")
                .build(), NOW).get(0);
        assertEquals(Instant.parse("2026-11-22T10:15:31Z"), m.time());
    }

    @Test
    void the_real_csvlog_sample_formats_into_frames_that_read_back_as_its_statements() throws Exception {
        byte[] csv = CsvRecordParserTest.sample();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (List<String> fields : new CsvRecordParser().feed(csv, 0, csv.length)) {
            format.format(PostgresLogRecord.fromCsv(fields), NOW).forEach(m -> body.writeBytes(m.frame()));
        }
        List<HerokuChunks.Event> events = HerokuChunks.read(body.toByteArray());
        assertEquals(18, events.size());
        HerokuChunks.Event insert = events.get(7);
        assertEquals(3, insert.chunks());
        assertTrue(insert.text().endsWith("LOG:  statement: INSERT INTO t (id, note)\nVALUES ('a,b', 'say \"hi\"'),\n"
                + "\t('ünïcødé', E'line\\nbreak');"), insert.text());
        assertTrue(insert.text().contains("log_line=\"1\" database=\"postgres\" connection_source=\"127.0.0.1(56266)\""
                + " user=\"postgres\" application_name=\"psql\" LOG:  "));
    }
}
