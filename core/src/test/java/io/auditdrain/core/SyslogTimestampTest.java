package io.auditdrain.core;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyslogTimestampTest {

    @Test
    void whole_second_postgres_timestamp_is_read() {
        assertEquals(Instant.parse("2023-06-05T19:33:14Z").toEpochMilli(),
                ofMessage("<134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - [YELLOW] [12-1] x"));
    }

    @Test
    void microsecond_router_timestamp_is_truncated_to_milliseconds() {
        assertEquals(Instant.parse("2020-01-08T22:33:57.353Z").toEpochMilli(),
                ofMessage("<158>1 2020-01-08T22:33:57.353034+00:00 host heroku router - at=info"));
    }

    @Test
    void offsets_and_z_are_applied() {
        assertEquals(Instant.parse("2026-11-22T23:30:00Z").toEpochMilli(),
                ofMessage("<1>1 2026-11-23T01:30:00+02:00 host app web.1 - x"));
        assertEquals(Instant.parse("2026-11-23T01:30:00Z").toEpochMilli(),
                ofMessage("<1>1 2026-11-22T23:30:00-02:00 host app web.1 - x"));
        assertEquals(Instant.parse("2026-11-22T23:30:00.5Z").toEpochMilli(),
                ofMessage("<1>1 2026-11-22T23:30:00.5Z host app web.1 - x"));
    }

    @Test
    void anything_that_is_not_a_valid_timestamp_is_unparseable() {
        String[] bad = {"", "garbage", "<1>1 - host app web.1 - nil timestamp", "<1>1 2026-02-30T00:00:00Z h a p - x",
            "<1>1 2026-11-22T24:00:00Z h", "<1>1 2026-11-22T10:00:00 h", "<1>1 2026-11-22T10:00:00.+00:00 h",
            "<1>1 2026-11-22 10:00:00Z h", "<1>1 2026-11-22T10:00:00+0000 h", "1 2026-11-22T10:00:00Z h",
            "<1234>1 2026-11-22T10:00:00Z h", "<1>1 2026-1x-22T10:00:00Z h", "<1>1 2026-11-22T10:00:00.123"};
        for (String message : bad) {
            assertEquals(SyslogTimestamp.UNPARSEABLE, ofMessage(message), message);
        }
    }

    @Test
    void random_instants_agree_with_java_time() {
        Random random = new Random(11);
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");
        for (int i = 0; i < 20_000; i++) {
            long seconds = (long) (random.nextDouble() * 8_000_000_000L) - 1_000_000_000L;
            int micros = random.nextInt(1_000_000);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(48) - 24) * 1800);
            OffsetDateTime t = Instant.ofEpochSecond(seconds, micros * 1000L).atOffset(offset);
            String text = t.format(format);
            long expected = Math.floorDiv(t.toInstant().toEpochMilli() * 1000 + micros % 1000, 1000);
            assertEquals(expected, ofMessage("<190>1 " + text + " host app web.1 - x"), text);
        }
    }

    private static long ofMessage(String message) {
        byte[] b = message.getBytes(US_ASCII);
        return SyslogTimestamp.ofMessage(b, 0, b.length);
    }
}
