package io.auditdrain.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresLogRecordTest {

    static PostgresLogRecord withTime(String logTime) {
        List<String> fields = new ArrayList<>(Collections.nCopies(26, ""));
        fields.set(0, logTime);
        return PostgresLogRecord.fromCsv(fields);
    }

    @Test
    void log_time_in_utc_with_milliseconds_is_read() {
        assertEquals(Optional.of(Instant.parse("2023-06-05T19:33:14.793Z")),
                withTime("2023-06-05 19:33:14.793 UTC").logInstant());
    }

    @Test
    void log_time_with_a_numeric_offset_or_short_zone_id_is_read() {
        assertEquals(Optional.of(Instant.parse("2023-06-05T17:33:14.793Z")),
                withTime("2023-06-05 19:33:14.793 +02").logInstant());
        assertEquals(Optional.of(Instant.parse("2023-06-05T19:33:14Z")),
                withTime("2023-06-05 19:33:14 GMT").logInstant());
        assertTrue(withTime("2023-06-05 14:33:14.000 EST").logInstant().isPresent());
    }

    @Test
    void an_unreadable_log_time_gives_no_instant() {
        assertEquals(Optional.empty(), withTime("yesterday").logInstant());
        assertEquals(Optional.empty(), withTime("2023-06-05 19:33:14.793 Mars/Olympus").logInstant());
    }

    @Test
    void a_record_of_postgres_12_without_backend_type_is_accepted_and_fewer_columns_are_not() {
        assertEquals("", PostgresLogRecord.fromCsv(Collections.nCopies(23, "x")).backendType());
        assertThrows(IllegalArgumentException.class, () -> PostgresLogRecord.fromCsv(Collections.nCopies(22, "x")));
    }
}
