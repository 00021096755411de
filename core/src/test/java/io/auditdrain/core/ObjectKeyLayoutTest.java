package io.auditdrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

class ObjectKeyLayoutTest {

    private static final UUID ID = UUID.fromString("3f2a7c1e-9b4d-4e21-8a6f-0c5d2e7b9a10");

    @Test
    void key_has_the_documented_layout_with_13_digit_millis_and_padded_date() {
        ObjectKey key = new ObjectKey("raxx-api-prod", Instant.parse("2026-03-04T05:06:07.089Z").toEpochMilli(), ID);
        assertEquals("logs/raxx-api-prod/2026/03/04/1772600767089-3f2a7c1e-9b4d-4e21-8a6f-0c5d2e7b9a10.gz",
                key.toString());
    }

    @Test
    void millis_before_2001_are_zero_padded_to_13_digits() {
        assertEquals("logs/my-app/1970/01/01/0000000001234-" + ID + ".gz", new ObjectKey("my-app", 1234, ID).toString());
    }

    @Test
    void a_formatted_key_parses_back_to_the_same_parts() {
        ObjectKey key = new ObjectKey("a1-b2", 1_763_800_000_123L, UUID.randomUUID());
        assertEquals(key, ObjectKeyLayout.parse(key.toString()));
    }

    @Test
    void keys_that_do_not_follow_the_layout_are_rejected() {
        String[] bad = {"logs/app/2026/11/22/1763800000000-" + ID + ".gz",
            "logs/my-app/2026/11/21/1763800000000-" + ID + ".gz",
            "logs/my-app/2026/11/22/176380000000-" + ID + ".gz",
            "logs/my-app/2026/11/22/1763800000000-not-a-uuid-at-all-not-a-uuid-at-al.gz",
            "logs/My-App/2026/11/22/1763800000000-" + ID + ".gz",
            "logs/my-app/2026/11/22/1763800000000-" + ID + ".txt",
            "other/my-app/2026/11/22/1763800000000-" + ID + ".gz",
            "logs/my-app/2026/11/22/extra/1763800000000-" + ID + ".gz"};
        for (String key : bad) {
            assertThrows(InvalidObjectKeyException.class, () -> ObjectKeyLayout.parse(key), key);
        }
    }

    @Test
    void app_names_are_held_to_heroku_rules_before_reaching_a_key() {
        for (String ok : List.of("abc", "raxx-api-prod", "a".repeat(30), "app1")) {
            assertTrue(AppName.isValid(ok), ok);
        }
        for (String bad : List.of("", "ab", "a".repeat(31), "1app", "app-", "App", "my_app", "my.app", "../etc",
                "app/x", "app\n", "caf\u00e9")) {
            assertThrows(InvalidAppNameException.class, () -> AppName.require(bad), bad);
        }
    }

    @Test
    void listing_after_start_after_finds_exactly_the_objects_at_or_after_t() {
        Random random = new Random(5);
        long day = Instant.parse("2026-11-22T00:00:00Z").toEpochMilli();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            keys.add(new ObjectKey("my-app", day + random.nextInt(86_400_000), UUID.randomUUID()).toString());
        }
        Collections.sort(keys);
        for (int i = 0; i < 200; i++) {
            Instant t = Instant.ofEpochMilli(day + random.nextInt(86_400_000));
            String startAfter = ObjectKeyLayout.startAfter("my-app", t);
            for (String key : keys) {
                boolean atOrAfter = ObjectKeyLayout.parse(key).epochMillis() >= t.toEpochMilli();
                assertEquals(atOrAfter, key.compareTo(startAfter) > 0, key + " vs " + startAfter);
            }
        }
    }

    @Test
    void days_span_a_utc_midnight() {
        assertEquals(List.of(LocalDate.parse("2026-11-22"), LocalDate.parse("2026-11-23")),
                ObjectKeyLayout.days(Instant.parse("2026-11-22T23:59:50Z"), Instant.parse("2026-11-23T00:00:20Z")));
        assertEquals("logs/my-app/2026/11/23/", ObjectKeyLayout.dayPrefix("my-app", LocalDate.parse("2026-11-23")));
    }
}
