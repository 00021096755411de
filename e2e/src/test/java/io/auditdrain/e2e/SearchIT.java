package io.auditdrain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.verifier.db.DatabaseUrl;
import io.auditdrain.verifier.db.RoleSession;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * search over what the whole chain stored: PostgreSQL's own statement log as raptor_app wrote it (pgjdbc's extended
 * protocol, bind values on DETAIL lines), turned into Heroku Postgres drain traffic by the Logplex emulator
 * (900-byte chunks, batches of about 100 KB), stored by the receiver. A 250 KB statement spans several chunks and
 * objects.
 */
class SearchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "customer_audit_events";

    @TempDir
    static Path dir;
    private static DrainChain chain;
    private static Instant started;
    private static String tag;
    private static String longAction;

    @BeforeAll
    static void writeAsTheApplication() throws Exception {
        chain = DrainChain.start(dir);
        started = Instant.now().minusSeconds(5);
        tag = "evt-search-" + System.nanoTime();
        longAction = "x".repeat(250_000) + "-end-of-" + tag;
        DatabaseUrl url = DatabaseUrl.parse(chain.verifierEnvironment().get("AUDITDRAIN_APP_DATABASE_URL"),
                "AUDITDRAIN_APP_DATABASE_URL", null);
        try (RoleSession session = RoleSession.open(url, null)) {
            try (PreparedStatement insert = session.connection().prepareStatement("INSERT INTO " + TABLE
                    + " (id, dimension, customer_id, actor_id, actor_type, action) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, tag);
                insert.setString(2, "billing");
                insert.setLong(3, 42);
                insert.setString(4, "usr_7");
                insert.setString(5, "user");
                insert.setString(6, "plan.changed");
                insert.executeUpdate();
            }
            try (Statement statement = session.connection().createStatement()) {
                statement.execute("INSERT INTO " + TABLE + " (id, dimension, customer_id, actor_id, actor_type,"
                        + " action)\nVALUES ('" + tag + "-long', 'billing', 42, 'usr_7', 'user',\n'" + longAction
                        + "')");
                statement.execute("INSERT INTO users_history (operation, row_data) VALUES ('INSERT', '{}')");
                try {
                    statement.execute("UPDATE " + TABLE + " SET action = 'rewritten' WHERE id = '" + tag + "'");
                    throw new AssertionError("raptor_app may not UPDATE the audit table");
                } catch (SQLException refused) {
                    // logged before it ran, as every attempt is: search finds the attempt
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    private static VerifierRun search(String... extra) {
        List<String> args = new ArrayList<>(List.of("search", "--app", DrainChain.APP, "--store",
                "file:" + chain.store(), "--from", started.toString()));
        args.addAll(List.of(extra));
        return VerifierRun.run(chain.verifierEnvironment(), args.toArray(String[]::new));
    }

    /** The JSON Lines of a search, once the drain has stored every statement written (bounded wait). */
    private static List<JsonNode> awaitRecords(int expected, String... extra) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> records = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            records.clear();
            VerifierRun run = search(extra);
            for (String line : run.out().split("\n")) {
                if (!line.isBlank()) {
                    records.add(JSON.readTree(line));
                }
            }
            if (records.size() >= expected) {
                return records;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("expected " + expected + " records, found " + records + "\n" + chain.logs());
    }

    @Test
    void every_write_and_attempt_on_the_audit_table_is_one_record_with_its_session_and_values() throws Exception {
        List<JsonNode> records = awaitRecords(3, "--table", TABLE, "--format", "jsonl");

        assertEquals(3, records.size(), records.toString());
        JsonNode insert = records.get(0);
        assertEquals("execute", insert.get("kind").asText(), "pgjdbc's extended protocol");
        assertTrue(insert.get("statement").asText().startsWith("INSERT INTO " + TABLE), insert.toString());
        assertTrue(insert.get("parameters").asText().contains("'" + tag + "'"), insert.toString());
        assertEquals("raptor_app", insert.get("user").asText());
        assertEquals(DrainChain.DATABASE, insert.get("database").asText());
        assertTrue(insert.get("pid").asText().matches("\\d+") && !insert.get("session_id").asText().isEmpty(),
                insert.toString());
        assertTrue(insert.get("key").asText().startsWith("logs/" + DrainChain.APP + "/"), insert.toString());

        JsonNode longOne = records.get(1);
        assertTrue(longOne.get("statement").asText().contains(longAction + "')"),
                "the 250 KB statement is joined whole from its chunks");
        assertTrue(records.get(2).get("statement").asText().startsWith("UPDATE " + TABLE), records.get(2).toString());
        assertEquals(insert.get("session_id"), records.get(2).get("session_id"), "one session wrote all three");
    }

    @Test
    void a_statement_larger_than_a_batch_is_read_from_several_objects_and_joined() throws Exception {
        awaitRecords(3, "--table", TABLE, "--format", "jsonl");

        VerifierRun run = search("--table", TABLE, "--contains", "-end-of-" + tag);

        run.assertExit(0, "found");
        assertEquals(1, run.out().strip().split("\n").length, run.out());
        assertTrue(run.err().contains("(1 joined across objects)"), run.err());
        assertTrue(run.err().startsWith("search: "), "progress and summary on stderr: " + run.err());
    }

    @Test
    void csv_has_a_header_and_a_row_per_record_and_nothing_found_exits_1() throws Exception {
        awaitRecords(3, "--table", TABLE, "--format", "jsonl");

        VerifierRun csv = search("--table", TABLE, "--role", "raptor_app", "--format", "csv");
        csv.assertExit(0, "csv");
        assertTrue(csv.out().startsWith("timestamp,pid,session_id,log_line,user,database,application_name,kind,"
                + "duration_ms,statement,parameters,key,incomplete,verifier\n"), csv.out());
        assertTrue(csv.out().lines().skip(1).allMatch(row -> row.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z,.*")),
                "times with milliseconds: " + csv.out().lines().map(r -> r.substring(0, Math.min(30, r.length())))
                        .toList());
        assertEquals(4, csv.out().lines().count(), "a header and three rows (the long statement has no line break"
                + " left after joining): " + csv.out().length() + " chars");

        search("--table", TABLE, "--role", "someone_else").assertExit(1, "no statement of that role");
        search("--table", TABLE, "--format", "xml").assertExit(2, "unknown format");
    }
}
