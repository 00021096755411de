package io.auditdrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProofKeyLayoutTest {

    private static final UUID ID = UUID.fromString("0b7d3a52-1f0e-4c8e-9a57-2d4e6f8a1c3b");

    @Test
    void a_run_record_key_has_the_documented_layout_with_13_digit_millis_and_padded_date() {
        ProofKey key = new ProofKey("acme-api-prod", Instant.parse("2026-03-04T05:15:00.042Z").toEpochMilli(), ID);
        assertEquals("proof/acme-api-prod/2026/03/04/1772601300042-0b7d3a52-1f0e-4c8e-9a57-2d4e6f8a1c3b.json",
                key.toString());
        assertEquals(LocalDate.parse("2026-03-04"), key.day());
    }

    @Test
    void a_formatted_key_parses_back_to_the_same_parts() {
        ProofKey key = ProofKey.forRun("my-app", Instant.parse("2026-11-22T23:59:59.999Z"));
        assertEquals(key, ProofKeyLayout.parse(key.toString()));
        assertTrue(ProofKeyLayout.isProofKey(key.toString()));
    }

    @Test
    void keys_that_do_not_follow_the_layout_are_rejected() {
        String[] bad = {"proof/app/2026/11/22/1763800000000-" + ID + ".json",
            "proof/my-app/2026/11/21/1763800000000-" + ID + ".json",
            "proof/my-app/2026/11/22/176380000000-" + ID + ".json",
            "proof/my-app/2026/11/22/1763800000000-" + ID + ".gz",
            "logs/my-app/2026/11/22/1763800000000-" + ID + ".json",
            "proof/My-App/2026/11/22/1763800000000-" + ID + ".json",
            "proof/my-app/2026/11/22/x/1763800000000-" + ID + ".json",
            "proof/../logs/2026/11/22/1763800000000-" + ID + ".json",
            "proof/my-app/2026/11/22/1763800000000-not-a-uuid-at-all-not-a-uuid-at-al.json"};
        for (String key : bad) {
            InvalidObjectKeyException e = assertThrows(InvalidObjectKeyException.class, () -> ProofKeyLayout.parse(key),
                    key);
            assertFalse(ProofKeyLayout.isProofKey(key), key);
            if (key.startsWith("proof/")) {
                assertTrue(e.getMessage().startsWith("not an auditdrain run record key"), e.getMessage());
            }
        }
    }

    @Test
    void app_names_are_validated_before_they_reach_a_key() {
        assertThrows(InvalidAppNameException.class, () -> new ProofKey("../etc", 0, ID));
        assertThrows(InvalidAppNameException.class, () -> ProofKeyLayout.dayPrefix("app/x", LocalDate.EPOCH));
        assertThrows(InvalidAppNameException.class, () -> ProofKeyLayout.startAfter("App", Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new ProofKey("my-app", -1, ID));
    }

    @Test
    void record_keys_and_object_keys_of_the_same_run_never_collide() {
        Instant t = Instant.parse("2026-03-04T05:15:00Z");
        String proof = new ProofKey("my-app", t.toEpochMilli(), ID).toString();
        String log = new ObjectKey("my-app", t.toEpochMilli(), ID).toString();
        assertEquals(proof.substring("proof/".length(), proof.length() - ".json".length()),
                log.substring("logs/".length(), log.length() - ".gz".length()), "the same dated shape");
        assertThrows(InvalidObjectKeyException.class, () -> ObjectKeyLayout.parse(proof));
        assertThrows(InvalidObjectKeyException.class, () -> ProofKeyLayout.parse(log));
    }

    @Test
    void listing_after_start_after_finds_exactly_the_records_of_runs_at_or_after_t() {
        Random random = new Random(20);
        long day = Instant.parse("2026-11-22T00:00:00Z").toEpochMilli();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            keys.add(new ProofKey("my-app", day + random.nextInt(86_400_000), UUID.randomUUID()).toString());
        }
        Collections.sort(keys);
        for (int i = 0; i < 100; i++) {
            Instant t = Instant.ofEpochMilli(day + random.nextInt(86_400_000));
            String startAfter = ProofKeyLayout.startAfter("my-app", t);
            assertTrue(startAfter.startsWith(ProofKeyLayout.dayPrefix("my-app", LocalDate.parse("2026-11-22"))));
            for (String key : keys) {
                boolean atOrAfter = ProofKeyLayout.parse(key).epochMillis() >= t.toEpochMilli();
                assertEquals(atOrAfter, key.compareTo(startAfter) > 0, key + " vs " + startAfter);
            }
        }
        assertEquals("proof/my-app/", ProofKeyLayout.appPrefix("my-app"));
    }
}
