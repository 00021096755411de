package io.auditdrain.verifier.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON embedded in the report's script element cannot end it, whatever a key or detail holds. */
class AttestationJsonTest {

    @Test
    void text_that_could_close_a_script_element_is_escaped() {
        String json = AttestationJson.forScript(Map.of("label", List.of("</script><script>alert(1)</script>",
                "a & b", "line\u2028separator")));
        assertFalse(json.contains("</"), json);
        assertFalse(json.contains("<script"), json);
        assertFalse(json.contains("\u2028"), json);
        assertTrue(json.contains("\\u003C/script\\u003E") || json.contains("\\u003c/script\\u003e"), json);
        assertTrue(json.contains("\\u0026"), json);
        assertEquals(json, json.strip());
    }
}
