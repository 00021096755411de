package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.verifier.testsupport.DrainSimulator;
import io.auditdrain.verifier.testsupport.DrainSimulator.LogMessage;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import io.auditdrain.verifier.testsupport.TestBucket;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smoke end to end: the real tracer INSERT into the reference schema on a real PostgreSQL, whose csvlog a drain
 * simulator turns into Heroku Postgres lines in drained objects on the S3 emulator (or a directory).
 */
class SmokeIT {

    private static final String APP = "raxx-api-staging";
    private static final Pattern TAG = Pattern.compile("pgaudit-smoke-\\d+-[a-z2-7]{10}");

    private ReferenceDatabase db;
    private TestBucket bucket;

    @BeforeEach
    void setUp() {
        db = ReferenceDatabase.get();
        db.reset();
        bucket = new TestBucket().configuredAsReference();
    }

    private Map<String, String> appEnvironment() {
        Map<String, String> env = new HashMap<>(bucket.environment());
        env.put("AUDITDRAIN_APP_DATABASE_URL", db.appUrl());
        return env;
    }

    private DrainSimulator drain(HerokuPostgresLines format) {
        return new DrainSimulator(db.server().csvLog(), bucket.objects(), APP, format);
    }

    private static String[] smoke(String store, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("smoke", "--app", APP, "--store", store,
                "--timeout", "30s", "--interval", "200ms"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void smoke_passes_when_a_matching_object_exists() {
        VerifierRun run;
        try (DrainSimulator drain = drain(HerokuPostgresLines.standard())) {
            run = VerifierRun.run(appEnvironment(), smoke(bucket.store()));
            assertTrue(drain.objectsWritten() > 0, "the drain stored objects");
        }
        run.assertExit(0);
        assertTrue(run.out().contains("PASS"), run.output());
        Matcher tag = TAG.matcher(run.out());
        assertTrue(tag.find(), run.output());
        assertTrue(run.out().contains("customer_audit_events"), run.output());
        assertTrue(run.out().contains("object       logs/" + APP + "/"), run.output());
        assertTrue(run.out().contains("latency"), run.output());
        assertEquals("1", db.sql("SELECT count(*) FROM customer_audit_events WHERE id = '" + tag.group() + "'")
                .strip(), "the tracer row was written");
    }

    @Test
    void smoke_reports_pass_as_json_with_key_line_and_times() {
        VerifierRun run;
        try (DrainSimulator drain = drain(HerokuPostgresLines.standard())) {
            run = VerifierRun.run(appEnvironment(), smoke(bucket.store(), "--json"));
            assertTrue(drain.objectsWritten() > 0, "the drain stored objects");
        }
        run.assertExit(0);
        JsonNode json = run.json();
        assertEquals("PASS", json.get("result").asText());
        assertEquals("raptor_app", json.get("role").asText());
        String tag = json.get("tag").asText();
        assertTrue(TAG.matcher(tag).matches(), tag);
        assertTrue(json.get("object_key").asText().startsWith("logs/" + APP + "/"), run.output());
        assertTrue(json.get("match").get("text").asText().contains(tag), run.output());
        assertEquals("execute", json.get("match").get("form").asText(), "pgjdbc's extended protocol: " + run.out());
        assertTrue(json.has("insert_time") && json.has("object_time") && json.has("latency_ms"), run.output());
        assertTrue(run.err().isEmpty(), "no progress lines in JSON mode: " + run.err());
    }

    @Test
    void smoke_exits_1_when_no_object_appears_within_the_timeout() {
        VerifierRun run = VerifierRun.run(appEnvironment(), "smoke", "--app", APP, "--store", bucket.store(),
                "--timeout", "2s", "--interval", "200ms");
        run.assertExit(1);
        assertTrue(run.out().contains("FAIL"), run.output());
        assertTrue(run.out().contains("likely causes"), run.output());
        assertTrue(run.out().contains("heroku drains --app " + APP), run.output());
    }

    @Test
    void smoke_finds_a_statement_split_across_chunks() {
        // 40-character chunks split the table name and the tag across frames; the attachment follows the sequence.
        VerifierRun run;
        try (DrainSimulator drain = drain(new HerokuPostgresLines("YELLOW", true, 40))) {
            run = VerifierRun.run(appEnvironment(), smoke(bucket.store(), "--json"));
            assertTrue(drain.objectsWritten() > 0, "the drain stored objects");
        }
        run.assertExit(0);
        assertTrue(run.json().get("match").get("chunks").asInt() > 3, run.output());
    }

    @Test
    void smoke_is_not_fooled_by_the_tag_without_the_table_or_the_table_without_the_tag() {
        // Every logged tracer statement is replaced by near misses: the parameterised INSERT with the tag only on
        // the DETAIL line, the tag in a statement on another table, and the table with a longer tag.
        VerifierRun run;
        try (DrainSimulator drain = new DrainSimulator(db.server().csvLog(), bucket.objects(), APP,
                HerokuPostgresLines.standard(), SmokeIT::nearMisses)) {
            run = VerifierRun.run(appEnvironment(), "smoke", "--app", APP, "--store", bucket.store(), "--timeout",
                    "3s", "--interval", "200ms", "--json");
            assertTrue(drain.objectsWritten() > 0, "decoys were drained");
        }
        run.assertExit(1);
        assertEquals("FAIL", run.json().get("result").asText());
        assertTrue(run.json().get("objects_read").asInt() > 0, "the decoys were read: " + run.output());
    }

    private static List<LogMessage> nearMisses(LogMessage m) {
        Matcher tag = TAG.matcher(m.text());
        if (!tag.find() || !m.severity().equals("LOG")) {
            return List.of();
        }
        String t = tag.group();
        String parameterised = m.text().replace("'" + t + "'", "$1");
        return List.of(
                new LogMessage("LOG", parameterised),
                new LogMessage("DETAIL", "parameters: $1 = '" + t + "'"),
                new LogMessage("LOG", "statement: SELECT '" + t + "' AS probe"),
                new LogMessage("LOG", m.text().replace("customer_audit_events", "customer_audit_events_shadow")),
                new LogMessage("LOG", m.text().replace(t, t + "x")),
                new LogMessage("ERROR", "permission denied for table customer_audit_events"),
                new LogMessage("STATEMENT", m.text().substring(m.text().indexOf(':') + 2)));
    }

    @Test
    void smoke_works_with_the_owner_url_and_set_role() {
        Map<String, String> env = new HashMap<>(bucket.environment());
        env.put("DATABASE_URL", db.ownerUrl());
        VerifierRun run;
        try (DrainSimulator drain = drain(HerokuPostgresLines.standard())) {
            run = VerifierRun.run(env, smoke(bucket.store(), "--set-role", "raptor_app", "--json"));
            assertTrue(drain.objectsWritten() > 0, "the drain stored objects");
        }
        run.assertExit(0);
        JsonNode json = run.json();
        assertEquals("audit_owner", json.get("session_user").asText());
        assertEquals("raptor_app", json.get("role").asText());
        assertTrue(json.get("match").get("text").asText().contains("user=\"audit_owner\""), run.output());
    }

    @Test
    void smoke_works_with_a_directory_store(@TempDir Path dir) {
        VerifierRun run;
        try (DrainSimulator drain = new DrainSimulator(db.server().csvLog(), DrainedObjects.directory(dir), APP,
                HerokuPostgresLines.standard())) {
            run = VerifierRun.run(appEnvironment(), smoke("file:" + dir));
            assertTrue(drain.objectsWritten() > 0, "the drain stored objects");
        }
        run.assertExit(0);
    }

    @Test
    void smoke_exits_1_when_the_role_may_not_insert() {
        db.sql("REVOKE INSERT ON customer_audit_events FROM raptor_app");
        VerifierRun run = VerifierRun.run(appEnvironment(), smoke(bucket.store()));
        run.assertExit(1);
        assertTrue(run.out().contains("refused"), run.output());
    }

    @Test
    void smoke_exits_2_with_a_masked_url_when_the_password_is_wrong() {
        Map<String, String> env = appEnvironment();
        env.put("AUDITDRAIN_APP_DATABASE_URL", db.appUrl().replace(db.appPassword(), "wrong-secret-123"));
        VerifierRun run = VerifierRun.run(env, smoke(bucket.store()));
        run.assertExit(2);
        assertTrue(run.err().contains("raptor_app:****@"), run.output());
        assertFalse(run.output().contains("wrong-secret-123"), run.output());
    }

    @Test
    void smoke_exits_2_when_the_bucket_does_not_exist() {
        VerifierRun run = VerifierRun.run(appEnvironment(), smoke("s3://no-such-bucket-here", "--json"));
        run.assertExit(2);
        assertEquals("ERROR", run.json().get("result").asText());
        assertTrue(run.err().contains("NoSuchBucket"), run.output());
    }
}
