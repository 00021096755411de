package io.auditdrain.verifier.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.testing.LogplexFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkJoinerTest {

    private static LogplexMessage message(String line) {
        return LogplexMessage.parse(line).orElseThrow();
    }

    private static List<LogplexMessage> fixture(String name) {
        byte[] body = LogplexFixtures.body(name);
        List<LogplexMessage> messages = new ArrayList<>();
        for (Frame f : LogplexFrameReader.read(body)) {
            messages.add(message(new String(body, f.offset(), f.length(), StandardCharsets.UTF_8)));
        }
        return messages;
    }

    @Test
    void joins_the_two_chunks_of_the_heroku_postgres_fixture_keeping_the_tab() {
        List<LogplexMessage> frames = fixture("pganalyze-heroku-postgres-statement-2chunks-body.txt");
        ChunkJoiner joiner = new ChunkJoiner();
        LoggedMessage first = joiner.accept(frames.get(0)).orElseThrow();
        LoggedMessage joined = joiner.accept(frames.get(1)).orElseThrow();

        assertEquals(1, first.chunks());
        assertEquals(2, joined.chunks());
        assertEquals("postgres.1105947", joined.procId());
        assertEquals("YELLOW", joined.attachment());
        assertEquals(12, joined.message());
        assertTrue(joined.text().startsWith(" sql_error_code = 00000 time_ms = "), joined.text());
        assertTrue(joined.text().endsWith("statement: WITH naptime(value) AS (\n\tSELECT"), joined.text());
        assertTrue(joined.compact().endsWith("statement: WITH naptime(value) AS (\tSELECT"), joined.compact());
    }

    @Test
    void reads_the_attachment_after_the_sequence_too() {
        ChunkJoiner joiner = new ChunkJoiner();
        joiner.accept(message("<134>1 2026-01-01T00:00:00+00:00 host app postgres.42 - [7-1] [DATABASE]  x LOG:  "
                + "statement: INSERT INTO t"));
        LoggedMessage joined = joiner.accept(message("<134>1 2026-01-01T00:00:00+00:00 host app postgres.42 - "
                + "[7-2] [DATABASE] VALUES (1)")).orElseThrow();
        assertEquals("DATABASE", joined.attachment());
        assertEquals(" x LOG:  statement: INSERT INTO t\nVALUES (1)", joined.text());
    }

    @Test
    void keeps_an_empty_continuation_chunk_as_an_empty_line() {
        ChunkJoiner joiner = new ChunkJoiner();
        String h = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.42 - [DATABASE] ";
        joiner.accept(message(h + "[3-1]  LOG:  statement: INSERT INTO t"));
        joiner.accept(message(h + "[3-2]"));
        LoggedMessage joined = joiner.accept(message(h + "[3-3] VALUES (1)")).orElseThrow();
        assertEquals(3, joined.chunks());
        assertEquals(" LOG:  statement: INSERT INTO t\n\nVALUES (1)", joined.text());
    }

    @Test
    void joins_chunks_that_arrive_out_of_order_and_interleaved_with_other_processes() {
        ChunkJoiner joiner = new ChunkJoiner();
        String a = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.1 - [DATABASE] ";
        String b = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.2 - [DATABASE] ";
        joiner.accept(message(a + "[5-2] second"));
        joiner.accept(message(b + "[5-1] other process"));
        LoggedMessage joined = joiner.accept(message(a + "[5-1] first")).orElseThrow();
        assertEquals("first\nsecond", joined.text());
        assertEquals("firstsecond", joined.compact());
    }

    @Test
    void a_new_first_chunk_starts_the_message_afresh() {
        ChunkJoiner joiner = new ChunkJoiner();
        String h = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.9 - [DATABASE] ";
        joiner.accept(message(h + "[1-1] old"));
        joiner.accept(message(h + "[1-2] old tail"));
        LoggedMessage joined = joiner.accept(message(h + "[1-1] new")).orElseThrow();
        assertEquals("new", joined.text());
    }

    @Test
    void ignores_messages_that_are_not_from_a_postgres_process() {
        ChunkJoiner joiner = new ChunkJoiner();
        assertEquals(Optional.empty(), joiner.accept(message("<190>1 2026-01-01T00:00:00.123456+00:00 host app web.1 - "
                + "[DATABASE] [1-1] LOG:  statement: INSERT INTO customer_audit_events")));
        assertEquals(Optional.empty(), joiner.accept(message("<158>1 2026-01-01T00:00:00+00:00 host heroku router - "
                + "at=info method=GET")));
    }

    @Test
    void a_postgres_line_without_a_sequence_is_a_message_of_its_own() {
        LoggedMessage m = new ChunkJoiner().accept(message("<134>1 2026-01-01T00:00:00+00:00 host app postgres.3 - "
                + "LOG:  checkpoint starting: time")).orElseThrow();
        assertEquals(1, m.chunks());
        assertEquals("LOG:  checkpoint starting: time", m.text());
    }

    @Test
    void a_detail_line_sent_as_the_next_chunk_is_not_part_of_the_statement() {
        String prefix = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.42 - [DATABASE] ";
        String sql = " sql_error_code = 00000 time_ms = \"2026-01-01 00:00:00.000 UTC\" pid=\"42\" user=\"raptor_app\" ";
        ChunkJoiner joiner = new ChunkJoiner();
        joiner.accept(message(prefix + "[9-1] " + sql + "LOG:  execute <unnamed>: INSERT INTO customer_audit_events "
                + "(id) VALUES ($1)"));
        LoggedMessage joined = joiner.accept(message(prefix + "[9-2] " + sql
                + "DETAIL:  parameters: $1 = 'pgaudit-smoke-1-abc'")).orElseThrow();
        assertEquals(sql + "LOG:  execute <unnamed>: INSERT INTO customer_audit_events (id) VALUES ($1)", joined.text());
        assertTrue(new StatementMatcher("customer_audit_events", "pgaudit-smoke-1-abc").match(joined).isEmpty(),
                "a tag only among the bind values must not count");
    }

    @Test
    void gives_each_log_line_of_a_message_apart_with_the_detail_after_the_statement() {
        ChunkJoiner joiner = new ChunkJoiner();
        String head = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.42 - [DATABASE] [9-";
        joiner.accept(message(head + "1]  sql_error_code = 00000 log_line=\"4\" LOG:  execute <unnamed>: INSERT INTO t"));
        joiner.accept(message(head + "2]  (a) VALUES ($1)"));
        joiner.accept(message(head + "3]  sql_error_code = 00000 log_line=\"5\" DETAIL:  parameters: $1 = 'x"));
        ChunkJoiner.Part part = (ChunkJoiner.Part) joiner.collect(message(head + "4]  y'")).orElseThrow();
        List<LoggedMessage> lines = joiner.lines(part);

        assertEquals(2, lines.size());
        assertEquals(" sql_error_code = 00000 log_line=\"4\" LOG:  execute <unnamed>: INSERT INTO t (a) VALUES ($1)",
                lines.get(0).compact());
        assertEquals(4, lines.get(0).chunks(), "the message counts all its chunks, as accept() does");
        assertEquals(" sql_error_code = 00000 log_line=\"5\" DETAIL:  parameters: $1 = 'x y'", lines.get(1).compact());
        assertEquals(2, lines.get(1).chunks());
        assertEquals(lines.get(0).timestamp(), lines.get(1).timestamp());
    }
}
