package io.auditdrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogplexMessageTest {

    @Test
    void postgres_line_splits_into_header_fields_and_text() {
        LogplexMessage m = LogplexMessage.parse("<134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - "
                + "[YELLOW] [12-2] \tSELECT").orElseThrow();
        assertEquals(134, m.priority());
        assertEquals(Instant.parse("2023-06-05T19:33:14Z"), m.timestamp());
        assertEquals("host", m.hostname());
        assertEquals("app", m.appName());
        assertEquals("postgres.1105947", m.procId());
        assertEquals("-", m.msgId());
        assertEquals("[YELLOW] [12-2] \tSELECT", m.text());
    }

    @Test
    void a_message_with_an_empty_text_part_parses() {
        LogplexMessage m = LogplexMessage.parse("<134>1 2023-06-05T19:33:14+00:00 host app postgres.1 -").orElseThrow();
        assertEquals("", m.text());
    }

    @Test
    void an_unparseable_timestamp_leaves_the_rest_usable() {
        LogplexMessage m = LogplexMessage.parse("<134>1 - host heroku router - at=info").orElseThrow();
        assertNull(m.timestamp());
        assertEquals("router", m.procId());
    }

    @Test
    void text_without_the_header_shape_does_not_parse() {
        assertTrue(LogplexMessage.parse("not syslog").isEmpty());
        assertTrue(LogplexMessage.parse("<x>1 a b c d e f").isEmpty());
        assertTrue(LogplexMessage.parse("<134>1 2023-06-05T19:33:14+00:00 host").isEmpty());
    }
}
