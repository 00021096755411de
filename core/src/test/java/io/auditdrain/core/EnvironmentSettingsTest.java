package io.auditdrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentSettingsTest {

    @Test
    void unset_and_blank_variables_read_as_absent_and_take_their_fallback() {
        EnvironmentSettings settings = new EnvironmentSettings(Map.of("BLANK", "  "));
        assertNull(settings.text("BLANK"));
        assertNull(settings.text("UNSET"));
        assertEquals(7, settings.integer("BLANK", 7, 1, 9));
        assertEquals(Optional.empty(), settings.httpUrl("UNSET"));
        assertEquals(List.of(), settings.problems());
    }

    @Test
    void valid_values_are_read() {
        EnvironmentSettings settings = new EnvironmentSettings(Map.of("N", " 4 ", "URL", "http://127.0.0.1:5000"));
        assertEquals(4, settings.integer("N", 7, 1, 9));
        assertEquals(Optional.of(URI.create("http://127.0.0.1:5000")), settings.httpUrl("URL"));
        assertEquals(List.of(), settings.problems());
    }

    @Test
    void every_bad_value_is_a_problem_naming_its_variable() {
        EnvironmentSettings settings = new EnvironmentSettings(Map.of(
                "RANGE", "12", "WORD", "fast", "NOSCHEME", "localhost:5000", "FTP", "ftp://host/"));
        settings.integer("RANGE", 7, 1, 9);
        settings.integer("WORD", 7, 1, 9);
        settings.httpUrl("NOSCHEME");
        settings.httpUrl("FTP");
        settings.problem("OTHER is wrong");
        List<String> problems = settings.problems();
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("RANGE must be between 1 and 9"), problems.get(0));
        assertTrue(problems.get(1).startsWith("WORD must be a whole number"), problems.get(1));
        assertTrue(problems.get(2).startsWith("NOSCHEME must be an http(s) URL"), problems.get(2));
        assertTrue(problems.get(3).startsWith("FTP must be an http(s) URL"), problems.get(3));
        assertEquals("OTHER is wrong", problems.get(4));
    }
}
