package io.auditdrain.verifier.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a doctor test starts from: the reference schema on the shared PostgreSQL, set back to its migrations, and a
 * fresh bucket set up as Terraform sets it up, holding one object with the application's INSERT logged as
 * raptor_app (so the drain is active and the writers check has a writer to see). Runs doctor with the role's own URL
 * in AUDITDRAIN_APP_DATABASE_URL and the owner's in DATABASE_URL.
 */
public final class DoctorFixture {

    public static final String APP = "raxx-api-prod";

    private final ReferenceDatabase db;
    private TestBucket bucket;

    public DoctorFixture() {
        db = ReferenceDatabase.get();
        db.reset();
        bucket = new TestBucket().configuredAsReference();
        writeObjectStamped(Instant.now().minus(Duration.ofMinutes(1)));
    }

    public ReferenceDatabase db() {
        return db;
    }

    public TestBucket bucket() {
        return bucket;
    }

    /** Runs doctor against another bucket from now on. */
    public void useBucket(TestBucket other) {
        bucket = other;
    }

    /** An object as the drain writes it: a router line and the application's INSERT, logged as raptor_app. */
    public void writeObjectStamped(Instant time) {
        List<String> lines = new ArrayList<>(HerokuPostgresLines.standard().messages(time,
                HerokuPostgresLines.Prefix.at(time, 4242, 3, "raptor_app", "web.1"), 1, "LOG:  execute <unnamed>: INSERT INTO"
                        + " customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action, at_utc)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7)"));
        lines.add(HerokuPostgresLines.routerLine(time));
        bucket.objects().write(APP, time, lines);
    }

    /** The verifier's environment: the emulator and both database URLs. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(bucket.environment());
        env.put("AUDITDRAIN_APP_DATABASE_URL", db.appUrl());
        env.put("DATABASE_URL", db.ownerUrl());
        return env;
    }

    /** {@code doctor --app APP --store <bucket> --json} plus {@code extra}. */
    public VerifierRun doctor(String... extra) {
        List<String> args = new ArrayList<>(List.of("doctor", "--app", APP, "--store", bucket.store(), "--json"));
        args.addAll(List.of(extra));
        return VerifierRun.run(environment(), args.toArray(String[]::new));
    }

    /**
     * {@code doctor --json} against the reference database alone (no app, no store: the bucket, drain and writers
     * checks skip), with the role's own URL and the owner's in the environment, for tests that judge the database.
     */
    public static VerifierRun databaseOnly(ReferenceDatabase db, String... extra) {
        List<String> args = new ArrayList<>(List.of("doctor", "--json"));
        args.addAll(List.of(extra));
        return VerifierRun.run(Map.of("AUDITDRAIN_APP_DATABASE_URL", db.appUrl(), "DATABASE_URL", db.ownerUrl()),
                args.toArray(String[]::new));
    }

    public static Map<String, JsonNode> checks(VerifierRun run) {
        Map<String, JsonNode> checks = new LinkedHashMap<>();
        run.json().get("checks").forEach(c -> checks.put(c.get("name").asText(), c));
        return checks;
    }

    public static Set<String> withVerdict(VerifierRun run, String verdict) {
        Set<String> names = new TreeSet<>();
        checks(run).forEach((name, c) -> {
            if (c.get("verdict").asText().equals(verdict)) {
                names.add(name);
            }
        });
        return names;
    }

    /** Runs doctor, expects exit 1 with exactly {@code check} failed, and returns that check's JSON. */
    public JsonNode failsExactly(String check, String... extra) {
        return failsExactly(Set.of(check), extra).get(check);
    }

    /** Runs doctor, expects exit 1 with exactly {@code failing} failed, each with a remedy; returns the checks. */
    public Map<String, JsonNode> failsExactly(Set<String> failing, String... extra) {
        VerifierRun run = doctor(extra).assertExit(1);
        assertEquals(new TreeSet<>(failing), withVerdict(run, "FAIL"), run.output());
        for (String check : failing) {
            assertTrue(!checks(run).get(check).get("remedy").asText().isBlank(),
                    "a failure comes with its remedy: " + run.output());
        }
        return checks(run);
    }

    /** Runs doctor and expects exit 0 with no check failed; returns the run. */
    public VerifierRun passes(String... extra) {
        VerifierRun run = doctor(extra).assertExit(0);
        assertEquals(Set.of(), withVerdict(run, "FAIL"), run.output());
        return run;
    }

    /** Runs each statement in one session of the restricted role, as a compromised application would. */
    public void asApp(String... statements) {
        run(db.connectAsApp(), statements);
    }

    /** Runs each statement in one session of the owner. */
    public void asOwner(String... statements) {
        run(db.connectAsOwner(), statements);
    }

    /** Runs each statement in one session of a role the test created with a password. */
    public void as(String user, String password, String... statements) {
        run(db.connect(user, password), statements);
    }

    private static void run(Connection connection, String... statements) {
        try (Connection c = connection; Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A one-value query as the superuser, stripped. */
    public String value(String sql) {
        return db.sql(sql).strip();
    }
}
