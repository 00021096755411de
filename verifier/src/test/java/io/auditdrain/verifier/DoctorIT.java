package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.verifier.cli.DoctorCommand;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import io.auditdrain.verifier.testsupport.TestBucket;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * doctor against the reference schema (db/migrations) on a real PostgreSQL and a reference bucket on the S3
 * emulator: it passes on the correct setup, and each broken condition fails exactly its own check.
 */
class DoctorIT {

    private static final String APP = DoctorFixture.APP;

    private DoctorFixture fixture;
    private ReferenceDatabase db;

    @BeforeEach
    void setUp() {
        fixture = new DoctorFixture();
        db = fixture.db();
    }

    private VerifierRun doctor(String... extra) {
        return fixture.doctor(extra);
    }

    private static Map<String, JsonNode> checks(VerifierRun run) {
        return DoctorFixture.checks(run);
    }

    private static Set<String> withVerdict(VerifierRun run, String verdict) {
        return DoctorFixture.withVerdict(run, verdict);
    }

    private JsonNode failsExactly(String check, String... extra) {
        return fixture.failsExactly(check, extra);
    }

    @Test
    void doctor_passes_on_the_reference_setup() {
        VerifierRun run = doctor().assertExit(0);
        assertEquals("PASS", run.json().get("result").asText());
        assertEquals(DoctorCommand.checks().size(), checks(run).size(), run.output());
        assertEquals(checks(run).keySet(), withVerdict(run, "PASS"), run.output());
    }

    @Test
    void doctor_passes_with_the_owner_url_and_set_role() {
        VerifierRun run = doctor("--set-role", "raptor_app").assertExit(0);
        assertEquals(checks(run).keySet(), withVerdict(run, "PASS"), run.output());
        assertEquals("audit_owner", run.json().get("session_user").asText());
        assertTrue(checks(run).get("statement-logging").get("detail").asText().contains("catalog"), run.output());
    }

    @Test
    void doctor_prints_the_remedy_beside_a_failure_in_text_output() {
        db.sql("GRANT UPDATE ON customer_audit_events TO raptor_app");
        VerifierRun run = VerifierRun.run(fixture.environment(), "doctor", "--app", APP, "--store",
                fixture.bucket().store()).assertExit(1);
        String[] lines = run.out().split("\n");
        int failure = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("FAIL  audit-table-grants")) {
                failure = i;
            }
        }
        assertTrue(failure >= 0, run.output());
        assertTrue(lines[failure + 1].contains("fix: REVOKE UPDATE ON TABLE public.customer_audit_events FROM"
                + " raptor_app;"), run.output());
        assertTrue(lines[lines.length - 1].startsWith("FAIL  " + DoctorCommand.checks().size() + " checks"),
                run.output());
    }

    /** The catalog check says why; the probe shows that it matters now. */
    private JsonNode failsWithTheProbe(String check, String probeSays, String... extra) {
        Map<String, JsonNode> failed = fixture.failsExactly(Set.of(check, "capture-probe"), extra);
        assertTrue(failed.get("capture-probe").get("detail").asText().contains(probeSays),
                failed.get("capture-probe").toString());
        return failed.get(check);
    }

    @Test
    void doctor_fails_the_grants_check_and_the_probe_when_update_is_granted_on_an_audit_table() {
        db.sql("GRANT UPDATE ON customer_audit_events TO raptor_app");
        JsonNode check = failsWithTheProbe("audit-table-grants", "UPDATE of public.customer_audit_events was allowed"
                + " (id, dimension, customer_id, actor_id, actor_type, action, at_utc)");
        assertTrue(check.get("detail").asText().contains("public.customer_audit_events: UPDATE granted"),
                check.toString());
        assertEquals("REVOKE UPDATE ON TABLE public.customer_audit_events FROM raptor_app;",
                check.get("remedy").asText());
    }

    @Test
    void doctor_fails_the_grants_check_and_the_probe_when_delete_reaches_the_role_through_public() {
        db.sql("GRANT DELETE ON users_history TO PUBLIC");
        JsonNode check = failsWithTheProbe("audit-table-grants", "DELETE from public.users_history was allowed");
        assertTrue(check.get("remedy").asText().contains("REVOKE DELETE ON TABLE public.users_history FROM PUBLIC;"),
                check.toString());
    }

    @Test
    void doctor_fails_the_grants_check_and_the_probe_when_one_column_may_be_updated() {
        db.sql("GRANT UPDATE (action) ON customer_audit_events TO raptor_app");
        JsonNode check = failsWithTheProbe("audit-table-grants", "UPDATE of public.customer_audit_events was allowed"
                + " (action)");
        assertTrue(check.get("detail").asText().contains("UPDATE (action)"), check.toString());
    }

    @Test
    void doctor_fails_the_triggers_check_and_the_probe_when_a_history_trigger_is_disabled() {
        db.sql("ALTER TABLE users DISABLE TRIGGER trg_users_history");
        JsonNode check = failsWithTheProbe("history-triggers", "INSERT into public.users left no row in"
                + " public.users_history");
        assertTrue(check.get("detail").asText().contains("trg_users_history on public.users is disabled"),
                check.toString());
        assertEquals("ALTER TABLE public.users ENABLE TRIGGER trg_users_history;", check.get("remedy").asText());
    }

    @Test
    void doctor_fails_the_superuser_check_and_the_probe_when_the_role_is_made_superuser() {
        db.sql("ALTER ROLE raptor_app SUPERUSER");
        JsonNode check = failsWithTheProbe("role-not-superuser", "TRUNCATE of public.customer_audit_events was"
                + " allowed");
        assertEquals("ALTER ROLE raptor_app NOSUPERUSER;", check.get("remedy").asText());
    }

    @Test
    void doctor_fails_the_ownership_check_and_the_probe_when_the_role_owns_an_audit_table() {
        db.sql("ALTER TABLE customer_audit_events OWNER TO raptor_app");
        JsonNode check = failsWithTheProbe("role-owns-no-audit-table", "DELETE from public.customer_audit_events was"
                + " allowed", "--set-role", "raptor_app");
        assertEquals("ALTER TABLE public.customer_audit_events OWNER TO audit_owner;", check.get("remedy").asText());
    }

    @Test
    void doctor_fails_only_the_logging_check_when_log_statement_is_none() {
        db.sql("ALTER ROLE raptor_app SET log_statement = 'none'");
        JsonNode check = failsExactly("statement-logging");
        assertTrue(check.get("detail").asText().startsWith("log_statement = none for raptor_app"), check.toString());
    }

    @Test
    void doctor_fails_only_the_logging_check_when_log_statement_is_none_seen_from_the_owner() {
        db.sql("ALTER ROLE raptor_app SET log_statement = 'none'");
        JsonNode check = failsExactly("statement-logging", "--set-role", "raptor_app");
        assertTrue(check.get("remedy").asText().contains("ALTER ROLE raptor_app SET log_statement = 'mod'"),
                check.toString());
    }

    @Test
    void doctor_fails_only_the_migration_check_when_the_role_may_read_alembic_version() {
        db.sql("GRANT SELECT ON alembic_version TO raptor_app");
        JsonNode check = failsExactly("migration-table-grants");
        assertEquals("REVOKE ALL ON TABLE public.alembic_version FROM raptor_app;", check.get("remedy").asText());
    }

    @Test
    void doctor_fails_only_the_versioning_check_when_versioning_is_suspended() {
        TestBucket bucket = fixture.bucket();
        bucket.s3().putBucketVersioning(r -> r.bucket(bucket.name())
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        JsonNode check = failsExactly("bucket-versioning");
        assertTrue(check.get("detail").asText().contains("Suspended"), check.toString());
    }

    @Test
    void doctor_fails_only_the_public_access_check_when_one_block_is_off() {
        TestBucket bucket = fixture.bucket();
        bucket.s3().putPublicAccessBlock(r -> r.bucket(bucket.name()).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(true)));
        JsonNode check = failsExactly("bucket-public-access-block");
        assertTrue(check.get("detail").asText().endsWith(": BlockPublicPolicy"), check.toString());
    }

    @Test
    void doctor_fails_only_the_lifecycle_check_when_objects_expire_after_30_days() {
        fixture.bucket().lifecycle(30);
        JsonNode check = failsExactly("bucket-lifecycle");
        assertTrue(check.get("detail").asText().contains("expires objects after 30 days"), check.toString());
    }

    @Test
    void doctor_fails_only_the_drain_check_when_no_object_arrived_for_15_minutes() {
        fixture.useBucket(new TestBucket().configuredAsReference());
        fixture.writeObjectStamped(Instant.now().minus(Duration.ofMinutes(16)));
        JsonNode check = failsExactly("drain-activity");
        assertTrue(check.get("remedy").asText().startsWith("heroku drains --app " + APP), check.toString());
    }

    @Test
    void doctor_fails_the_login_check_and_skips_what_depends_on_it_when_the_role_is_missing() {
        VerifierRun run = doctor("--set-role", "no_such_role").assertExit(1);
        assertEquals(Set.of("role-can-log-in"), withVerdict(run, "FAIL"), run.output());
        assertEquals(Set.of("audit-table-grants", "capture-functions-search-path", "capture-probe", "grant-drift",
                "migration-table-grants", "parameter-privileges", "rewrite-rules", "role-cannot-bypass-rls",
                "role-cannot-create-roles", "role-not-superuser", "role-owns-no-audit-table",
                "role-owns-no-capture-object", "role-search-path", "security-definer-functions", "source-table-grants",
                "statement-logging", "writers"),
                withVerdict(run, "SKIP"),
                run.output());
    }

    @Test
    void doctor_skips_the_bucket_checks_for_a_directory_store(@TempDir Path dir) {
        DrainedObjects.directory(dir).write(APP, Instant.now(), List.of(HerokuPostgresLines.routerLine(Instant.now())));
        Map<String, String> env = Map.of("AUDITDRAIN_APP_DATABASE_URL", db.appUrl());
        VerifierRun run = VerifierRun.run(env, "doctor", "--app", APP, "--store", "file:" + dir, "--json")
                .assertExit(0);
        assertEquals(Set.of("bucket-encryption", "bucket-lifecycle", "bucket-policy", "bucket-public-access-block",
                "bucket-versioning"), withVerdict(run, "SKIP"), run.output());
        assertEquals("PASS", checks(run).get("drain-activity").get("verdict").asText(), run.output());
    }
}
