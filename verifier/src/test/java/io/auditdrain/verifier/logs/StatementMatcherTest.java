package io.auditdrain.verifier.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.LogplexMessage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatementMatcherTest {

    private static final String TAG = "pgaudit-smoke-1767225600-abcdefghij";
    private static final String PREFIX = " sql_error_code = 00000 time_ms = \"2026-01-01 00:00:00.123 UTC\" pid=\"4242\""
            + " proc_start_time=\"2026-01-01 00:00:00 UTC\" session_id=\"6790a3b1.1092\" vtid=\"3/17\" tid=\"0\""
            + " log_line=\"2\" database=\"d1abc\" connection_source=\"10.0.0.1(40000)\" user=\"raptor_app\""
            + " application_name=\"web.1\" ";
    private static final String INSERT = "INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id,"
            + " actor_type, action, at_utc) VALUES ('" + TAG + "', 'system_automated', 0, 'sre-smoke', 'system_actor',"
            + " 'smoke.pgaudit_check', now())";

    private final StatementMatcher matcher = new StatementMatcher("customer_audit_events", TAG);

    private Optional<StatementMatcher.Match> match(String severityAndText) {
        return matcher.match(PREFIX + severityAndText);
    }

    @Test
    void matches_a_simple_protocol_statement_line() {
        StatementMatcher.Match m = match("LOG:  statement: " + INSERT).orElseThrow();
        assertEquals("statement", m.form());
        assertEquals(INSERT, m.statement());
    }

    @Test
    void matches_an_extended_protocol_execute_line_with_the_tag_inlined() {
        assertEquals("execute", match("LOG:  execute <unnamed>: " + INSERT).orElseThrow().form());
        assertEquals("execute", match("LOG:  execute S_3: " + INSERT).orElseThrow().form());
    }

    @Test
    void matches_statements_logged_with_their_duration() {
        assertTrue(match("LOG:  duration: 0.412 ms  statement: " + INSERT).isPresent());
        assertTrue(match("LOG:  duration: 12.5 ms  execute <unnamed>: " + INSERT).isPresent());
    }

    @Test
    void matches_a_pgaudit_line() {
        StatementMatcher.Match m = match("LOG:  AUDIT: SESSION,1,1,WRITE,INSERT,TABLE,public.customer_audit_events,\""
                + INSERT + "\",<not logged>").orElseThrow();
        assertEquals("AUDIT", m.form());
    }

    @Test
    void matches_a_schema_qualified_or_upper_case_table_name() {
        assertTrue(match("LOG:  statement: " + INSERT.replace("customer_audit_events",
                "public.customer_audit_events")).isPresent());
        assertTrue(match("LOG:  statement: " + INSERT.replace("customer_audit_events", "Customer_Audit_Events"))
                .isPresent());
    }

    @Test
    void is_not_fooled_by_the_tag_without_the_table_name() {
        assertFalse(match("LOG:  statement: SELECT '" + TAG + "'").isPresent());
        assertFalse(match("LOG:  statement: " + INSERT.replace("customer_audit_events", "customer_audit_events_x"))
                .isPresent());
        assertFalse(match("LOG:  statement: " + INSERT.replace("customer_audit_events", "old_customer_audit_events"))
                .isPresent());
    }

    @Test
    void is_not_fooled_by_the_table_name_without_the_tag() {
        assertFalse(match("LOG:  statement: " + INSERT.replace(TAG, "pgaudit-smoke-1767225600-zzzzzzzzzz"))
                .isPresent());
        assertFalse(match("LOG:  statement: " + INSERT.replace(TAG, TAG + "0")).isPresent(), "a longer tag");
        assertFalse(match("LOG:  statement: " + INSERT.replace(TAG, "x" + TAG)).isPresent(), "glued on the left");
    }

    @Test
    void is_not_fooled_by_bind_parameters_on_a_detail_line() {
        assertFalse(match("LOG:  execute <unnamed>: " + INSERT.replace("'" + TAG + "'", "$1")).isPresent());
        assertFalse(match("DETAIL:  parameters: $1 = '" + TAG + "'").isPresent());
    }

    @Test
    void is_not_fooled_by_an_error_echoing_the_statement_or_by_the_prefix() {
        assertFalse(match("ERROR:  permission denied for table customer_audit_events").isPresent());
        assertFalse(match("STATEMENT:  " + INSERT).isPresent());
        String prefixWithTable = PREFIX.replace("web.1", "customer_audit_events");
        assertFalse(matcher.match(prefixWithTable + "LOG:  statement: SELECT '" + TAG + "'").isPresent());
    }

    @Test
    void matches_when_the_tag_and_the_table_name_are_split_across_chunks() {
        String h = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.4242 - [DATABASE] ";
        String text = PREFIX + "LOG:  statement: " + INSERT;
        int tableAt = text.indexOf("customer_audit") + 8;
        int tagAt = text.indexOf(TAG) + 10;
        List<String> chunks = List.of(text.substring(0, tableAt), text.substring(tableAt, tagAt), text.substring(tagAt));
        ChunkJoiner joiner = new ChunkJoiner();
        Optional<StatementMatcher.Match> result = Optional.empty();
        for (int i = 0; i < chunks.size(); i++) {
            LoggedMessage joined = joiner.accept(LogplexMessage.parse(h + "[12-" + (i + 1) + "] " + chunks.get(i))
                    .orElseThrow()).orElseThrow();
            result = matcher.match(joined);
            assertEquals(i == chunks.size() - 1, result.isPresent(), "matches only once the whole tag is there");
        }
        assertEquals("statement", result.orElseThrow().form());
    }

    @Test
    void matches_a_multi_line_statement_split_at_its_line_breaks() {
        String h = "<134>1 2026-01-01T00:00:00+00:00 host app postgres.4242 - [DATABASE] ";
        ChunkJoiner joiner = new ChunkJoiner();
        joiner.accept(LogplexMessage.parse(h + "[3-1] " + PREFIX + "LOG:  statement: INSERT INTO customer_audit_events")
                .orElseThrow());
        joiner.accept(LogplexMessage.parse(h + "[3-2] \t(id, action)").orElseThrow());
        LoggedMessage joined = joiner.accept(LogplexMessage.parse(h + "[3-3] \tVALUES ('" + TAG + "', 'x')")
                .orElseThrow()).orElseThrow();
        assertTrue(matcher.match(joined).isPresent(), joined.text());
    }
}
