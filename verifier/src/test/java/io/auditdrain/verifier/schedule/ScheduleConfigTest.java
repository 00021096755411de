package io.auditdrain.verifier.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleConfigTest {

    private static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("AUDITDRAIN_APP", "acme-api-prod");
        env.put("AUDITDRAIN_STORE", "s3://acme-auditdrain-logs");
        env.put("AUDITDRAIN_DATABASE_URL_PARAMETER", "/auditdrain/verifier/database-url");
        return env;
    }

    @Test
    void reads_the_functions_environment_with_defaults() {
        ScheduleConfig config = ScheduleConfig.fromEnvironment(new Environment(valid()));
        assertEquals("acme-api-prod", config.app());
        assertEquals("AuditDrain", config.namespace());
        assertEquals(Duration.ofSeconds(120), config.smokeTimeout());
    }

    @Test
    void lists_every_problem_at_once() {
        Map<String, String> env = new HashMap<>();
        env.put("AUDITDRAIN_APP", "Acme_App");
        env.put("AUDITDRAIN_SMOKE_TIMEOUT", "soon");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ScheduleConfig.fromEnvironment(new Environment(env)));
        for (String variable : new String[] {"AUDITDRAIN_APP", "AUDITDRAIN_STORE", "AUDITDRAIN_DATABASE_URL_PARAMETER",
                "AUDITDRAIN_SMOKE_TIMEOUT"}) {
            assertTrue(e.getMessage().contains(variable), e.getMessage());
        }
    }

    @Test
    void refuses_a_database_url_in_the_functions_own_configuration() {
        Map<String, String> env = valid();
        env.put("AUDITDRAIN_APP_DATABASE_URL", "postgres://raptor_app:secret@db.example:5432/d");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ScheduleConfig.fromEnvironment(new Environment(env)));
        assertTrue(e.getMessage().contains("AUDITDRAIN_APP_DATABASE_URL must not be set"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret@"), "the value is never repeated: " + e.getMessage());
    }
}
