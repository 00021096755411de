package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditdrain.testing.PostgresServer;
import io.auditdrain.verifier.testsupport.DoctorFixture;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logical replication into a source table, for real: a cluster of its own with {@code wal_level = logical} holds the
 * reference schema in one database and, in another, a publisher of a {@code users} table (a subscription may connect
 * to a database of its own cluster when its slot is made beforehand). raptor_app writes the publisher's table; the
 * subscription's apply worker writes the rows into the reference {@code users} in replica mode, where
 * trg_users_history does not fire: the rows arrive without history. doctor fails logical-replication; with the trigger
 * set to ENABLE ALWAYS, the replicated rows are captured and the check passes.
 */
class LogicalReplicationIT {

    private static PostgresServer server;
    private static String appPassword;

    @BeforeAll
    static void start() throws IOException {
        server = PostgresServer.start(Map.of("wal_level", "logical", "max_wal_senders", "4",
                "max_replication_slots", "4"));
        server.psql("postgres", "CREATE DATABASE " + ReferenceDatabase.DATABASE, "CREATE DATABASE drift_publisher");
        for (Path migration : ReferenceDatabase.migrations()) {
            server.psql(ReferenceDatabase.DATABASE, Files.readString(migration));
        }
        appPassword = UUID.randomUUID().toString();
        server.psql(ReferenceDatabase.DATABASE, "SET log_statement = 'none'",
                "ALTER ROLE raptor_app PASSWORD '" + appPassword + "'");
        server.psql("drift_publisher",
                "CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE,"
                        + " email_verified_at timestamptz)",
                "GRANT SELECT, INSERT ON public.users TO raptor_app",
                "CREATE PUBLICATION drift_users FOR TABLE public.users");
        // A slot made apart: CREATE SUBSCRIPTION cannot create one in its own cluster while it waits for it.
        server.psql("drift_publisher", "SELECT pg_create_logical_replication_slot('drift_users', 'pgoutput')");
        // Not logged: the connection string holds the superuser's password.
        server.psql(ReferenceDatabase.DATABASE, "SET log_statement = 'none'", "CREATE SUBSCRIPTION drift_users"
                + " CONNECTION 'host=127.0.0.1 port="
                + server.port() + " dbname=drift_publisher user=postgres password=" + server.superuserPassword()
                + "' PUBLICATION drift_users WITH (create_slot = false, slot_name = 'drift_users', copy_data = false)");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static VerifierRun doctor() {
        return VerifierRun.run(Map.of("AUDITDRAIN_APP_DATABASE_URL", server.herokuUrl("raptor_app", appPassword,
                ReferenceDatabase.DATABASE)), "doctor", "--json");
    }

    @Test
    void a_subscription_writing_a_source_table_fails_and_its_rows_arrive_without_history() throws Exception {
        VerifierRun run = doctor().assertExit(1);
        assertEquals(Set.of("logical-replication"), DoctorFixture.withVerdict(run, "FAIL"), run.output());
        JsonNode check = DoctorFixture.checks(run).get("logical-replication");
        assertTrue(check.get("detail").asText().contains("subscription drift_users applies rows to public.users in"
                + " replica mode, where trg_users_history (tgenabled = 'O') does not fire"), check.toString());
        assertTrue(check.get("remedy").asText().contains("ALTER TABLE public.users ENABLE ALWAYS TRIGGER"
                + " trg_users_history;"), check.toString());

        // raptor_app writes the publisher's table; the row lands in the reference users with no history row.
        long id = 900_000 + (long) (Math.random() * 90_000);
        publishAsApp(id);
        awaitReplicated(id);
        assertEquals("0", server.psql(ReferenceDatabase.DATABASE, "SELECT count(*) FROM users_history"
                + " WHERE row_data->>'id' = '" + id + "'").strip(), "the replicated row has no history row");

        // Capture that fires ALWAYS takes the apply worker's rows too.
        server.psql(ReferenceDatabase.DATABASE, "ALTER TABLE users ENABLE ALWAYS TRIGGER trg_users_history");
        try {
            VerifierRun fixed = doctor().assertExit(0);
            assertTrue(DoctorFixture.checks(fixed).get("logical-replication").get("detail").asText()
                    .contains("whose capture triggers fire ALWAYS"), fixed.output());
            publishAsApp(id + 1);
            awaitReplicated(id + 1);
            assertEquals("1", server.psql(ReferenceDatabase.DATABASE, "SELECT count(*) FROM users_history"
                    + " WHERE row_data->>'id' = '" + (id + 1) + "'").strip());
        } finally {
            server.psql(ReferenceDatabase.DATABASE, "ALTER TABLE users ENABLE TRIGGER trg_users_history");
        }
    }

    private static void publishAsApp(long id) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "raptor_app");
        props.setProperty("password", appPassword);
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("drift_publisher"), props);
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO public.users (id, email) VALUES (" + id + ", 'replicated-" + id
                    + "@example.invalid')");
        }
    }

    private static void awaitReplicated(long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.psql(ReferenceDatabase.DATABASE, "SELECT count(*) FROM users WHERE id = " + id).strip()
                .equals("1")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("row " + id + " was not replicated within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
