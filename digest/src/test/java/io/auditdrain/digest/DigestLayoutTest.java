package io.auditdrain.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DigestLayoutTest {

    @Test
    void a_digest_key_names_the_app_day_and_start_of_its_interval() {
        assertEquals("digests/acme-api/2026/03/04/1315.jsonl",
                DigestLayout.key("acme-api", Instant.parse("2026-03-04T13:15:00Z")));
        assertEquals("digests/acme-api/2026/03/04/", DigestLayout.dayPrefix("acme-api", LocalDate.parse("2026-03-04")));
    }

    @Test
    void a_key_parses_back_to_its_app_and_start() {
        DigestLayout.DigestKey k = DigestLayout.parse("digests/acme-api/2026/12/31/2300.jsonl");
        assertEquals("acme-api", k.app());
        assertEquals(Instant.parse("2026-12-31T23:00:00Z"), k.start());
    }

    @Test
    void anything_else_is_not_a_digest_key() {
        for (String bad : new String[] {"digests/acme-api/2026/12/31/2300.json", "logs/acme-api/2026/12/31/2300.jsonl",
                "digests/Acme/2026/12/31/2300.jsonl", "digests/acme-api/2026/02/30/2300.jsonl",
                "digests/acme-api/2026/12/31/2460.jsonl", "digests/acme-api/2026/12/31/../2300.jsonl"}) {
            assertFalse(DigestLayout.isDigestKey(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> DigestLayout.key("acme-api",
                Instant.parse("2026-03-04T13:15:01Z")));
        assertThrows(RuntimeException.class, () -> DigestLayout.key("../etc", Instant.parse("2026-03-04T13:15:00Z")));
    }
}
