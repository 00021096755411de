package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.verifier.db.TracerWriter;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.DrainSimulator;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines.Prefix;
import io.auditdrain.verifier.testsupport.TestBucket;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writers check on what the archive really holds: a real PostgreSQL 15 logs the statements of each role that
 * writes, a drain simulator turns its log into Heroku Postgres lines in drained objects on the S3 emulator, and doctor
 * reads them back. The incident (the application connected as the owner) fails it even when doctor examines
 * raptor_app through --set-role, as the runbook runs it, and finds raptor_app itself in order.
 */
class WritersIT {

    private static final String APP = DoctorFixture.APP;
    private static final String INSERT = "INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id,"
            + " actor_type, action, at_utc) VALUES ('%s', 'customer', 42, 'u-1', 'user', 'login', now())";

    private DoctorFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new DoctorFixture();
    }

    private DrainSimulator drain() {
        return new DrainSimulator(fixture.db().server().csvLog(), fixture.bucket().objects(), APP,
                HerokuPostgresLines.standard());
    }

    /** A write of raptor_app's that, once drained, shows everything logged before it is in the store. */
    private static String marker() {
        return "drift-marker-" + UUID.randomUUID();
    }

    private static String detail(JsonNode check) {
        return check.get("detail").asText();
    }

    @Test
    void writers_fails_when_the_application_writes_as_the_owner_though_raptor_app_itself_is_in_order() {
        String marker = marker();
        try (DrainSimulator drain = drain()) {
            fixture.asOwner(String.format(INSERT, "owner-1"),
                    "UPDATE customer_audit_events SET action = 'edited' WHERE id = 'owner-1'");
            fixture.asApp(String.format(INSERT, marker));
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        // As the runbook runs it: the owner's URL, examining raptor_app. Every catalog check passes.
        JsonNode check = fixture.failsExactly("writers", "--set-role", "raptor_app");
        assertTrue(detail(check).startsWith("written by roles other than raptor_app, audit_archiver since "),
                check.toString());
        assertTrue(detail(check).contains("customer_audit_events: audit_owner 2 (INSERT, UPDATE, newest "),
                check.toString());
        assertTrue(check.get("remedy").asText().contains("find what connects as audit_owner"), check.toString());
    }

    @Test
    void writers_passes_when_only_the_restricted_role_and_an_allowed_role_write() {
        String password = UUID.randomUUID().toString();
        fixture.db().server().psql("auditdrain", "SET log_statement = 'none'",
                "CREATE ROLE audit_archiver LOGIN PASSWORD '" + password + "'",
                "GRANT SELECT, UPDATE ON customer_audit_events TO audit_archiver");
        String marker = marker();
        try (DrainSimulator drain = drain()) {
            fixture.asApp(String.format(INSERT, "app-1"));
            fixture.as("audit_archiver", password,
                    "UPDATE customer_audit_events SET actor_id = 'pseudonym-7' WHERE id = 'app-1'");
            fixture.asApp(String.format(INSERT, marker));
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        VerifierRun run = fixture.passes();
        JsonNode check = DoctorFixture.checks(run).get("writers");
        assertEquals("PASS", check.get("verdict").asText(), run.output());
        assertTrue(detail(check).contains("customer_audit_events: audit_archiver 1 (UPDATE, newest "), run.output());
        assertTrue(detail(check).contains("raptor_app 3 (INSERT, newest "), run.output());

        // Allowing no one else makes the data-subject request a finding.
        JsonNode strict = fixture.failsExactly("writers", "--allowed-writers", "");
        assertTrue(detail(strict).contains("customer_audit_events: audit_archiver 1"), strict.toString());
    }

    /** An id shaped like smoke's tracer tag, fresh per test (the audit table keeps every row). */
    private static String tracerShapedId() {
        return TracerWriter.newTag(Instant.now());
    }

    @Test
    void the_tracer_of_smoke_run_with_set_role_is_the_owners_write_and_writers_says_why() {
        VerifierRun smoke;
        try (DrainSimulator drain = drain()) {
            smoke = VerifierRun.run(fixture.environment(), "smoke", "--app", APP, "--store", fixture.bucket().store(),
                    "--set-role", "raptor_app", "--timeout", "30s", "--interval", "200ms", "--json");
            assertTrue(drain.objectsWritten() > 0, "the drain stored objects");
        }
        smoke.assertExit(0);
        assertEquals("audit_owner", smoke.json().get("session_user").asText());
        // Logged under the owner's name: the archive cannot tell it from an application connected as the owner.
        JsonNode check = fixture.failsExactly("writers", "--set-role", "raptor_app");
        assertTrue(detail(check).contains("public.customer_audit_events: audit_owner 1 (INSERT, newest "),
                check.toString());
        assertTrue(detail(check).contains("1 of these carry the verifier's tracer or probe mark"), check.toString());
        assertTrue(check.get("remedy").asText().endsWith("Run smoke and doctor with the restricted role's own URL."),
                check.toString());
    }

    @Test
    void the_tracer_of_smoke_run_as_the_role_itself_is_counted_apart() {
        VerifierRun smoke;
        try (DrainSimulator drain = drain()) {
            smoke = VerifierRun.run(fixture.environment(), "smoke", "--app", APP, "--store", fixture.bucket().store(),
                    "--timeout", "30s", "--interval", "200ms", "--json");
        }
        smoke.assertExit(0);
        VerifierRun run = fixture.passes();
        assertTrue(detail(DoctorFixture.checks(run).get("writers"))
                .endsWith("1 tracer INSERTs of the verifier as raptor_app not counted"), run.output());
    }

    @Test
    void an_owners_insert_disguised_as_the_verifiers_tracer_fails_writers() {
        String marker = marker();
        try (DrainSimulator drain = drain()) {
            fixture.asOwner("SET application_name = 'auditdrain-verifier'", String.format(INSERT, tracerShapedId()));
            fixture.asApp(String.format(INSERT, marker));
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        JsonNode check = fixture.failsExactly("writers");
        assertTrue(detail(check).contains("public.customer_audit_events: audit_owner 1 (INSERT, newest "),
                check.toString());
        assertTrue(detail(check).contains("1 of these carry the verifier's tracer or probe mark"), check.toString());
    }

    @Test
    void a_multi_row_insert_carrying_one_tracer_row_fails_writers() {
        String marker = marker();
        try (DrainSimulator drain = drain()) {
            fixture.asOwner("SET application_name = 'auditdrain-verifier'", String.format(INSERT, tracerShapedId())
                    + ", ('owner-real-1', 'customer', 42, 'u-1', 'user', 'refund.approved', now())");
            fixture.asApp(String.format(INSERT, marker));
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        assertEquals("1", fixture.value("SELECT count(*) FROM customer_audit_events WHERE id = 'owner-real-1'"));
        JsonNode check = fixture.failsExactly("writers");
        assertTrue(detail(check).contains("public.customer_audit_events: audit_owner 1 (INSERT, newest "),
                check.toString());
    }

    @Test
    void an_insert_through_an_updatable_view_counts_against_its_table() {
        fixture.db().sql("CREATE VIEW drift_recent_events AS SELECT * FROM customer_audit_events;"
                + " ALTER VIEW drift_recent_events OWNER TO audit_owner");
        String marker = marker();
        try (DrainSimulator drain = drain()) {
            fixture.asOwner(String.format(INSERT, "via-view-1").replace("INTO customer_audit_events",
                    "INTO drift_recent_events"));
            fixture.asApp(String.format(INSERT, marker));
            drain.awaitDrained(marker, Duration.ofSeconds(20));
        }
        assertEquals("1", fixture.value("SELECT count(*) FROM customer_audit_events WHERE id = 'via-view-1'"));
        JsonNode check = fixture.failsExactly("writers");
        assertTrue(detail(check).contains("public.customer_audit_events: audit_owner 1 (INSERT, newest "),
                check.toString());
    }

    @Test
    void writers_warns_when_the_logged_lines_carry_no_user_field() {
        TestBucket bucket = new TestBucket().configuredAsReference();
        fixture.useBucket(bucket);
        Instant now = Instant.now().minusSeconds(30);
        List<String> lines = new ArrayList<>(HerokuPostgresLines.standard().messages(now,
                Prefix.at(now, 99, 4, null, "web.1"), 8, "LOG:  statement: " + String.format(INSERT, "no-user")));
        lines.add(HerokuPostgresLines.routerLine(now));
        bucket.objects().write(APP, now, lines);
        VerifierRun run = fixture.passes();
        JsonNode check = DoctorFixture.checks(run).get("writers");
        assertEquals("WARN", check.get("verdict").asText(), run.output());
        assertTrue(detail(check).startsWith("1 logged writes to the audit tables carry no user= field"), run.output());
        assertTrue(check.get("remedy").asText().contains("user=%u"), run.output());
    }

    @Test
    void writers_reads_only_its_window() {
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        List<String> lines = new ArrayList<>(HerokuPostgresLines.standard().messages(twoHoursAgo,
                Prefix.at(twoHoursAgo, 77, 2, "audit_owner", "web.1"), 5, "LOG:  statement: DELETE FROM users_history"));
        fixture.bucket().objects().write(APP, twoHoursAgo, lines);
        fixture.passes("--writers-window", "1h");
        JsonNode check = fixture.failsExactly("writers");
        assertTrue(detail(check).contains("users_history: audit_owner 1 (DELETE, newest "), check.toString());
    }
}
